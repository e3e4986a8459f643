// Drop telemetry, from the kernel's counters to what one report says: the kernel counts dropped
// packets per (source, protocol, port) since each element appeared (compile/knock-sets.ts); a
// tally turns two readings into the packets of the interval between them and keeps the top
// sources. Memory is bounded by the kernel set's size: the tally remembers only the last reading.
export type KnockProtocol = "tcp" | "udp";

/** One element of a kernel knock set, as read. */
export interface KnockCounter {
  source: string;
  protocol: KnockProtocol;
  port: number;
  /** Packets since the element appeared. */
  packets: number;
  /** When the element appeared (ipset: from its timeout), if the kernel tells. */
  firstSeenAt?: Date;
  /** When it last counted a packet (nftables: from its refreshed timeout), if the kernel tells. */
  lastSeenAt?: Date;
}

interface KnockPort {
  protocol: KnockProtocol;
  port: number;
  packets: number;
}

interface KnockSource {
  source: string;
  packets: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** The ports with the most packets, at most KNOCK_LIMITS.portsPerSource. */
  ports: KnockPort[];
  /** How many distinct ports it tried (may exceed ports.length). */
  portsTried: number;
}

export interface KnockInterval {
  from: Date;
  to: Date;
  /** Every source that knocked in the interval, and all their packets (not only the top's). */
  sources: number;
  packets: number;
  top: KnockSource[];
}

export const KNOCK_LIMITS = { topSources: 50, portsPerSource: 16 } as const;

function keyOf(counter: KnockCounter): string {
  return `${counter.source} ${counter.protocol} ${counter.port}`;
}

interface SourceSum {
  packets: number;
  firstSeen: number;
  lastSeen: number;
  ports: KnockPort[];
}

function addTo(sums: Map<string, SourceSum>, counter: KnockCounter, packets: number, to: Date, from: Date): void {
  const sum = sums.get(counter.source) ?? { packets: 0, firstSeen: Number.POSITIVE_INFINITY, lastSeen: 0, ports: [] };
  sum.packets += packets;
  // Without the kernel's word, the interval's bounds are what is known.
  sum.firstSeen = Math.min(sum.firstSeen, (counter.firstSeenAt ?? from).getTime());
  sum.lastSeen = Math.max(sum.lastSeen, (counter.lastSeenAt ?? to).getTime());
  sum.ports.push({ protocol: counter.protocol, port: counter.port, packets });
  sums.set(counter.source, sum);
}

const byPackets = <T extends { packets: number }>(a: T, b: T): number => b.packets - a.packets;

function topSource(source: string, sum: SourceSum): KnockSource {
  const ports = [...sum.ports].sort((a, b) => byPackets(a, b) || a.port - b.port || a.protocol.localeCompare(b.protocol));
  return {
    source,
    packets: sum.packets,
    firstSeenAt: new Date(sum.firstSeen),
    lastSeenAt: new Date(sum.lastSeen),
    ports: ports.slice(0, KNOCK_LIMITS.portsPerSource),
    portsTried: ports.length,
  };
}

export class KnockTally {
  /** Packets per element at the last reading. */
  private previous = new Map<string, number>();
  private previousAt: Date;

  constructor(startedAt: Date) {
    this.previousAt = startedAt;
  }

  /**
   * The interval since the last reading. An element whose count went down was replaced (it timed
   * out and came back, or a full apply recreated the set): its whole count is new.
   */
  reading(counters: readonly KnockCounter[], at: Date): KnockInterval {
    const from = this.previousAt;
    const sums = new Map<string, SourceSum>();
    const next = new Map<string, number>();
    for (const counter of counters) {
      const key = keyOf(counter);
      const before = this.previous.get(key) ?? 0;
      const packets = counter.packets >= before ? counter.packets - before : counter.packets;
      next.set(key, counter.packets);
      if (packets > 0) addTo(sums, counter, packets, at, from);
    }
    this.previous = next;
    this.previousAt = at;
    const all = [...sums].map(([source, sum]) => ({ source, sum, packets: sum.packets }));
    all.sort((a, b) => byPackets(a, b) || a.source.localeCompare(b.source));
    return {
      from,
      to: at,
      sources: all.length,
      packets: all.reduce((total, entry) => total + entry.packets, 0),
      top: all.slice(0, KNOCK_LIMITS.topSources).map((entry) => topSource(entry.source, entry.sum)),
    };
  }
}
