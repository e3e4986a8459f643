// Drop telemetry from reports to table rows (KnockBucket, KnockSource): each report's intervals
// land in the 5-minute bucket of the control plane's clock when the report arrived (an agent's
// own times are kept as first/last seen, never used to choose where a row goes), and the same
// source in several intervals of one batch becomes one row.
import type { KnockIntervalMessage } from "@gatehouse/protocol";

const KNOCK_BUCKET_MS = 5 * 60_000;
const PORTS_PER_SOURCE = 16;

export interface KnockReport {
  serverId: string;
  receivedAt: Date;
  knocks: readonly KnockIntervalMessage[];
}

interface PortRow {
  protocol: "tcp" | "udp";
  port: number;
  packets: number;
}

export interface KnockSourceRow {
  serverId: string;
  bucketStart: string;
  source: string;
  packets: number;
  firstSeenAt: string;
  lastSeenAt: string;
  ports: PortRow[];
  portsTried: number;
}

export interface KnockBucketRow {
  serverId: string;
  bucketStart: string;
  sources: number;
  packets: number;
}

function bucketStartOf(at: Date, bucketMs = KNOCK_BUCKET_MS): Date {
  return new Date(Math.floor(at.getTime() / bucketMs) * bucketMs);
}

function mergePorts(a: PortRow[], b: readonly PortRow[]): PortRow[] {
  const byPort = new Map(a.map((port) => [`${port.protocol}/${port.port}`, { ...port }]));
  for (const port of b) {
    const known = byPort.get(`${port.protocol}/${port.port}`);
    if (known) known.packets += port.packets;
    else byPort.set(`${port.protocol}/${port.port}`, { ...port });
  }
  return [...byPort.values()].sort((x, y) => y.packets - x.packets || x.port - y.port).slice(0, PORTS_PER_SOURCE);
}

const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

export function knockRows(reports: readonly KnockReport[]): { buckets: KnockBucketRow[]; sources: KnockSourceRow[] } {
  const buckets = new Map<string, KnockBucketRow>();
  const sources = new Map<string, KnockSourceRow>();
  for (const { serverId, receivedAt, knocks } of reports) {
    const bucketStart = bucketStartOf(receivedAt).toISOString();
    for (const interval of knocks) {
      const bucketKey = `${serverId} ${bucketStart}`;
      const bucket = buckets.get(bucketKey) ?? { serverId, bucketStart, sources: 0, packets: 0 };
      bucket.sources = Math.max(bucket.sources, interval.sources);
      bucket.packets += interval.packets;
      buckets.set(bucketKey, bucket);
      for (const top of interval.top) {
        const key = `${bucketKey} ${top.source}`;
        const known = sources.get(key);
        if (!known) {
          sources.set(key, { serverId, bucketStart, source: top.source, packets: top.packets, firstSeenAt: top.firstSeenAt, lastSeenAt: top.lastSeenAt, ports: mergePorts([], top.ports), portsTried: top.portsTried });
          continue;
        }
        known.packets += top.packets;
        known.firstSeenAt = earlier(known.firstSeenAt, top.firstSeenAt);
        known.lastSeenAt = later(known.lastSeenAt, top.lastSeenAt);
        known.ports = mergePorts(known.ports, top.ports);
        known.portsTried = Math.max(known.portsTried, top.portsTried, known.ports.length);
      }
    }
  }
  return { buckets: [...buckets.values()], sources: [...sources.values()] };
}
