import { describe, expect, it } from "vitest";
import { KNOCK_LIMITS, KnockTally, type KnockCounter } from "./knock-tally.ts";

const start = new Date("2026-12-01T12:00:00Z");
const later = (seconds: number) => new Date(start.getTime() + seconds * 1000);
const knock = (source: string, port: number, packets: number, protocol: "tcp" | "udp" = "udp"): KnockCounter => ({ source, protocol, port, packets });

describe("a knock tally", () => {
  it("reports each source's packets of the interval with the ports it tried, busiest first", () => {
    const tally = new KnockTally(start);
    const interval = tally.reading([knock("198.51.100.7", 5060, 5), knock("198.51.100.7", 22, 2, "tcp"), knock("203.0.113.9", 5060, 1)], later(60));
    expect(interval).toMatchObject({ from: start, to: later(60), sources: 2, packets: 8 });
    expect(interval.top.map((source) => [source.source, source.packets, source.portsTried])).toEqual([
      ["198.51.100.7", 7, 2],
      ["203.0.113.9", 1, 1],
    ]);
    expect(interval.top[0]!.ports).toEqual([
      { protocol: "udp", port: 5060, packets: 5 },
      { protocol: "tcp", port: 22, packets: 2 },
    ]);
  });

  it("counts only what is new since the last reading, so a quiet source drops out", () => {
    const tally = new KnockTally(start);
    tally.reading([knock("198.51.100.7", 5060, 5), knock("203.0.113.9", 5060, 1)], later(60));
    const second = tally.reading([knock("198.51.100.7", 5060, 9), knock("203.0.113.9", 5060, 1)], later(120));
    expect(second).toMatchObject({ from: later(60), sources: 1, packets: 4 });
    expect(second.top.map((source) => source.source)).toEqual(["198.51.100.7"]);
  });

  it("takes a counter that went down as a new element (it timed out, or an apply recreated the set)", () => {
    const tally = new KnockTally(start);
    tally.reading([knock("198.51.100.7", 5060, 50)], later(60));
    expect(tally.reading([knock("198.51.100.7", 5060, 3)], later(120)).packets).toBe(3);
  });

  it("keeps first and last seen from the kernel when it tells them, the interval's bounds when not", () => {
    const tally = new KnockTally(start);
    const { top } = tally.reading([{ ...knock("198.51.100.7", 5060, 2), firstSeenAt: later(10) }, { ...knock("198.51.100.7", 22, 1), firstSeenAt: later(40) }], later(60));
    expect(top[0]).toMatchObject({ firstSeenAt: later(10), lastSeenAt: later(60) });
    const quiet = new KnockTally(start).reading([{ ...knock("203.0.113.9", 80, 1, "tcp"), lastSeenAt: later(30) }], later(60));
    expect(quiet.top[0]).toMatchObject({ firstSeenAt: start, lastSeenAt: later(30) });
  });

  it("stays within its limits under a scan of many sources and ports, while the totals count them all", () => {
    const counters: KnockCounter[] = [];
    for (let host = 0; host < 2000; host++) counters.push(knock(`10.0.${host >> 8}.${host & 255}`, 5060, 1 + (host % 7)));
    for (let port = 1; port <= 100; port++) counters.push(knock("198.51.100.7", port, 100, "tcp"));
    const interval = new KnockTally(start).reading(counters, later(60));
    expect(interval.sources).toBe(2001);
    expect(interval.top).toHaveLength(KNOCK_LIMITS.topSources);
    expect(interval.top[0]).toMatchObject({ source: "198.51.100.7", packets: 10_000, portsTried: 100 });
    expect(interval.top[0]!.ports).toHaveLength(KNOCK_LIMITS.portsPerSource);
  });
});
