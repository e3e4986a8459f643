// The listings below are what nft 1.0.6 and ipset 7 printed for the knock sets in a namespace.
import { describe, expect, it } from "vitest";
import { parseIpsetKnockSave, parseNftKnockSet } from "./knock-reading.ts";

const at = new Date("2026-12-01T12:00:00Z");
const secondsAgo = (seconds: number) => new Date(at.getTime() - seconds * 1000);

const NFT_LISTING = JSON.stringify({
  nftables: [
    { metainfo: { version: "1.0.6", json_schema_version: 1 } },
    {
      set: {
        family: "inet",
        name: "gh4.knock",
        table: "gatehouse",
        type: ["ipv4_addr", "inet_proto", "inet_service"],
        size: 65536,
        flags: ["timeout"],
        timeout: 3600,
        elem: [
          { elem: { val: { concat: ["198.51.100.7", "udp", 5060] }, expires: 3590, counter: { packets: 4, bytes: 120 } } },
          { elem: { val: { concat: ["198.51.100.7", "tcp", 22] }, expires: 3599, counter: { packets: 1, bytes: 60 } } },
          { elem: { val: { concat: ["198.51.100.8", "icmp", 0] }, expires: 3599, counter: { packets: 1, bytes: 60 } } },
          { elem: { val: "not a concatenation" } },
        ],
      },
    },
  ],
});

describe("reading the nftables knock set", () => {
  it("gives each element's source, protocol, port and packets, and when it last counted one", () => {
    expect(parseNftKnockSet(NFT_LISTING, at)).toEqual([
      { source: "198.51.100.7", protocol: "udp", port: 5060, packets: 4, lastSeenAt: secondsAgo(10) },
      { source: "198.51.100.7", protocol: "tcp", port: 22, packets: 1, lastSeenAt: secondsAgo(1) },
    ]);
  });

  it("reads an empty set as no knocks", () => {
    expect(parseNftKnockSet(JSON.stringify({ nftables: [{ set: { name: "gh6.knock", elem: undefined } }] }), at)).toEqual([]);
  });
});

describe("reading the ipset knock set", () => {
  it("gives each element's counts and when it came (ipset's timeout is never refreshed)", () => {
    const saved = [
      "create gh4.knock hash:ip,port family inet hashsize 1024 maxelem 65536 timeout 3600 counters bucketsize 12 initval 0x83d54fd3",
      "add gh4.knock 198.51.100.7,udp:5060 timeout 3598 packets 3 bytes 90",
      "add gh4.knock 198.51.100.7,tcp:22 timeout 3000 packets 1 bytes 60",
      "add gh6.knock 2001:db8::7,tcp:443 timeout 3600 packets 2 bytes 160",
      "add gh4.knock 198.51.100.8,icmp:8/0 timeout 3600 packets 1 bytes 84",
    ].join("\n");
    expect(parseIpsetKnockSave(saved, at)).toEqual([
      { source: "198.51.100.7", protocol: "udp", port: 5060, packets: 3, firstSeenAt: secondsAgo(2) },
      { source: "198.51.100.7", protocol: "tcp", port: 22, packets: 1, firstSeenAt: secondsAgo(600) },
      { source: "2001:db8::7", protocol: "tcp", port: 443, packets: 2, firstSeenAt: at },
    ]);
  });
});
