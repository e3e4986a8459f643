// The arithmetic of the blocked-attempts views, kept out of the components: the chart's time
// grid (the API leaves empty buckets out), the services an allow defaults to, and counts in words.

const MINUTE_MS = 60_000;

/** Buckets of the API's answer, filled to a regular grid from `hours` ago to `now` (times in seconds, as uPlot wants). */
export function bucketGrid(buckets: readonly { bucketStart: string; packets: number }[], resolution: string, hours: number, now: Date): [number[], number[]] {
  const step = (resolution === "1h" ? 60 : 5) * MINUTE_MS;
  const first = Math.floor((now.getTime() - hours * 60 * MINUTE_MS) / step) * step;
  const byStart = new Map(buckets.map((b) => [Math.floor(new Date(b.bucketStart).getTime() / step) * step, b.packets]));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let at = first; at <= now.getTime(); at += step) {
    xs.push(at / 1000);
    ys.push(byStart.get(at) ?? 0);
  }
  return [xs, ys];
}

export interface ServicePorts {
  id: string;
  ports: readonly { protocol: string; from: number; to: number }[];
}

/**
 * The services whose ports the source tried, in catalogue order, but never SSH: scanners try
 * port 22 first, and an administrator's shell is opened by choice, not by default. SIP when
 * nothing else is left.
 */
export function servicesForPorts(tried: readonly { protocol: string; port: number }[], services: readonly ServicePorts[]): string[] {
  const hit = services.filter(
    (service) => service.id !== "ssh" && service.ports.some((range) => tried.some((t) => t.protocol === range.protocol && t.port >= range.from && t.port <= range.to)),
  );
  return hit.length > 0 ? hit.map((service) => service.id) : ["sip"];
}

const countFormat = new Intl.NumberFormat("en-US");

/** "1,234 dropped", "none dropped". */
export function droppedCount(packets: number): string {
  return `${packets === 0 ? "none" : countFormat.format(packets)} dropped`;
}

/** "1,234 dropped in 24 h", "none dropped in 7 days". */
export function droppedText(packets: number, hours: number): string {
  const range = hours % 24 === 0 && hours > 24 ? `${hours / 24} days` : `${hours} h`;
  return `${droppedCount(packets)} in ${range}`;
}

export function countText(n: number): string {
  return countFormat.format(n);
}
