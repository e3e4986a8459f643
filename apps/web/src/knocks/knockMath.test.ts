import { describe, expect, it } from "vitest";
import { bucketGrid, droppedText, servicesForPorts } from "./knockMath.ts";

const catalogue = [
  { id: "all", ports: [] },
  { id: "rtp", ports: [{ protocol: "udp", from: 10000, to: 20000 }] },
  { id: "sip", ports: [{ protocol: "udp", from: 5060, to: 5060 }, { protocol: "tcp", from: 5060, to: 5060 }] },
  { id: "ssh", ports: [{ protocol: "tcp", from: 22, to: 22 }] },
];

describe("the blocked-attempts arithmetic", () => {
  it("fills the hours without knocks with zeros, on the resolution's grid", () => {
    const now = new Date("2026-12-01T12:07:00Z");
    const [xs, ys] = bucketGrid([{ bucketStart: "2026-12-01T11:55:00.000Z", packets: 7 }], "5m", 1, now);
    expect(xs).toHaveLength(13);
    expect(new Date(xs[0]! * 1000).toISOString()).toBe("2026-12-01T11:05:00.000Z");
    expect(new Date(xs.at(-1)! * 1000).toISOString()).toBe("2026-12-01T12:05:00.000Z");
    expect(ys.filter((y) => y > 0)).toEqual([7]);
    expect(ys[10]).toBe(7);
    expect(bucketGrid([], "1h", 168, now)[0]).toHaveLength(169);
  });

  it("an allow defaults to the services whose ports the source tried, never SSH, else SIP", () => {
    expect(servicesForPorts([{ protocol: "udp", port: 5060 }, { protocol: "udp", port: 15000 }], catalogue)).toEqual(["rtp", "sip"]);
    expect(servicesForPorts([{ protocol: "tcp", port: 22 }], catalogue)).toEqual(["sip"]);
    expect(servicesForPorts([{ protocol: "tcp", port: 22 }, { protocol: "udp", port: 5060 }], catalogue)).toEqual(["sip"]);
    // tcp 10000 is not RTP (udp), and port 3389 is no service of the catalogue.
    expect(servicesForPorts([{ protocol: "tcp", port: 10000 }, { protocol: "tcp", port: 3389 }], catalogue)).toEqual(["sip"]);
  });

  it("says the count in words", () => {
    expect(droppedText(1234, 24)).toBe("1,234 dropped in 24 h");
    expect(droppedText(0, 24)).toBe("none dropped in 24 h");
    expect(droppedText(5, 168)).toBe("5 dropped in 7 days");
  });
});
