// Dropped packets over time, as a uPlot area chart: 5-minute buckets up to 48 h, hourly beyond
// (what the API answers), empty buckets drawn as zero. The text beside it says the total and
// the peak, which is also the chart's text alternative.
import { useMemo } from "react";
import type uPlot from "uplot";
import { bucketGrid, countText, droppedText } from "./knockMath.ts";
import { UplotChart } from "./UplotChart.tsx";

interface Props {
  buckets: readonly { bucketStart: string; packets: number }[];
  resolution: string;
  hours: number;
  now: Date;
}

const peakFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

function chartOptions(resolution: string): Omit<uPlot.Options, "width"> {
  return {
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [{ stroke: "#475569", grid: { stroke: "#e2e8f0" } }, { stroke: "#475569", grid: { stroke: "#e2e8f0" }, size: 56 }],
    series: [{}, { label: resolution === "1h" ? "Dropped packets per hour" : "Dropped packets per 5 minutes", stroke: "#b91c1c", fill: "rgba(185, 28, 28, 0.15)", width: 1.5, points: { show: false } }],
  };
}

export function KnockChart({ buckets, resolution, hours, now }: Props) {
  const options = useMemo(() => chartOptions(resolution), [resolution]);
  const data = useMemo(() => bucketGrid(buckets, resolution, hours, now), [buckets, resolution, hours, now]);
  const total = buckets.reduce((sum, b) => sum + b.packets, 0);
  const peak = buckets.reduce<{ bucketStart: string; packets: number } | null>((max, b) => (max === null || b.packets > max.packets ? b : max), null);
  const per = resolution === "1h" ? "hour" : "5 minutes";
  const summary = `${droppedText(total, hours)}${peak ? `; at most ${countText(peak.packets)} per ${per}, at ${peakFormat.format(new Date(peak.bucketStart))}` : ""}.`;
  return (
    <figure className="knock-chart">
      <UplotChart options={options} data={data} label={`Chart of dropped packets per ${per}: ${summary}`} />
      <figcaption className="small muted" data-testid="knock-summary">
        {summary}
      </figcaption>
    </figure>
  );
}
