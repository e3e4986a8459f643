// One uPlot chart in a React tree: made once the container has a width, given new data in
// place, resized with its container, destroyed on unmount. uPlot draws on a canvas, so the
// container is an image with a text alternative (`label`) for screen readers.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface Props {
  /** Everything but the size: the width follows the container. */
  options: Omit<uPlot.Options, "width">;
  data: uPlot.AlignedData;
  /** What the chart shows, in words. */
  label: string;
  className?: string;
}

export function UplotChart({ options, data, label, className }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const made = new uPlot({ ...options, width: Math.max(element.clientWidth, 1) }, data, element);
    chart.current = made;
    const resized = new ResizeObserver(() => made.setSize({ width: Math.max(element.clientWidth, 1), height: options.height }));
    resized.observe(element);
    return () => {
      resized.disconnect();
      made.destroy();
      chart.current = null;
    };
    // The chart is made again only when its options change; new data goes in place below.
  }, [options]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div ref={container} className={className} role="img" aria-label={label} />;
}
