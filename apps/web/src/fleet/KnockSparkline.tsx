// 24 bars, one an hour, drawn by uPlot. Loaded on its own (KnockTrendCell lazy-loads it), so
// the charting library stays out of the console's first download.
import { useMemo } from "react";
import uPlot from "uplot";
import { UplotChart } from "../knocks/UplotChart.tsx";

const options: Omit<uPlot.Options, "width"> = {
  height: 22,
  legend: { show: false },
  cursor: { show: false },
  select: { show: false, left: 0, top: 0, width: 0, height: 0 },
  scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
  axes: [{ show: false }, { show: false }],
  series: [{}, { stroke: "#b91c1c", fill: "#b91c1c", width: 0, paths: uPlot.paths.bars?.({ size: [0.8, 6] }), points: { show: false } }],
};

export default function KnockSparkline({ hourly, label }: { hourly: readonly number[]; label: string }) {
  const data = useMemo<uPlot.AlignedData>(() => [hourly.map((_, i) => i), [...hourly]], [hourly]);
  return <UplotChart className="sparkline" options={options} data={data} label={label} />;
}
