// What conntrack-tools and iproute2 print, read the way the flow cutter needs it: the original
// direction of each flow, and this host's own addresses.
import { describe, expect, it } from "vitest";
import { parseConntrackListing, parseLocalAddresses } from "./conntrack-listing.ts";

const LISTING = `ipv4     2 udp      17 94 src=198.51.100.9 dst=192.0.2.1 sport=4000 dport=15000 [UNREPLIED] src=192.0.2.1 dst=198.51.100.9 sport=15000 dport=4000 mark=0 use=1
ipv6     10 tcp      6 431999 ESTABLISHED src=2001:db8:0::5 dst=2001:db8::1 sport=41000 dport=5060 src=2001:db8::1 dst=2001:db8::5 sport=5060 dport=41000 [ASSURED] mark=0 use=1
ipv4     2 icmp     1 29 src=198.51.100.9 dst=192.0.2.1 type=8 code=0 id=7 src=192.0.2.1 dst=198.51.100.9 type=0 code=0 id=7 mark=0 use=1
ipv4     2 tcp      6 117 SYN_SENT src=192.0.2.1 dst=203.0.113.80 sport=50000 dport=443 [UNREPLIED] src=203.0.113.80 dst=192.0.2.1 sport=443 dport=50000 mark=0 use=1
`;

describe("reading conntrack's listing", () => {
  it("keeps each TCP and UDP flow's original source, destination and destination port", () => {
    expect(parseConntrackListing(LISTING)).toEqual([
      { family: 4, protocol: "udp", source: "198.51.100.9", destination: "192.0.2.1", destinationPort: 15000 },
      { family: 6, protocol: "tcp", source: "2001:db8::5", destination: "2001:db8::1", destinationPort: 5060 },
      { family: 4, protocol: "tcp", source: "192.0.2.1", destination: "203.0.113.80", destinationPort: 443 },
    ]);
  });

  it("skips lines it cannot read instead of failing", () => {
    expect(parseConntrackListing("conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.\n\nipv4 2 udp 17 src=x dst=y dport=1\n")).toEqual([]);
  });
});

describe("reading the host's own addresses", () => {
  it("lists every interface address, canonical", () => {
    const json = JSON.stringify([
      { ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1" }, { family: "inet6", local: "::1" }] },
      { ifname: "eth0", addr_info: [{ family: "inet", local: "192.0.2.1" }, { family: "inet6", local: "2001:db8:0:0::1" }] },
      { ifname: "dummy0" },
    ]);
    expect([...parseLocalAddresses(json)]).toEqual(["127.0.0.1", "::1", "192.0.2.1", "2001:db8::1"]);
  });
});
