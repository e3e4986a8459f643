// Resolved states the compilers' golden files are made from (test data, not exported).
import type { ResolvedState, ServiceDefinition } from "../model.ts";

const sip: ServiceDefinition = {
  id: "sip",
  name: "SIP",
  ports: [
    { protocol: "udp", from: 5060, to: 5060 },
    { protocol: "tcp", from: 5060, to: 5060 },
  ],
};
const sipTls: ServiceDefinition = { id: "sip-tls", name: "SIP over TLS", ports: [{ protocol: "tcp", from: 5061, to: 5061 }] };
const rtp: ServiceDefinition = { id: "rtp", name: "RTP media", ports: [{ protocol: "udp", from: 10000, to: 20000 }] };
const ssh: ServiceDefinition = { id: "ssh", name: "SSH", ports: [{ protocol: "tcp", from: 22, to: 22 }] };
const all: ServiceDefinition = { id: "all", name: "Everything", ports: [] };

const lanRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

export const goldenStates: Record<string, ResolvedState> = {
  /** Nothing allowed yet: the public is dropped, LAN, admin and open media stay. */
  empty: {
    policy: { mediaOpenToAll: true, lanRanges, primaryAdmin: ["203.0.113.10"] },
    services: [rtp],
    allow: [],
  },
  /** A trunk provider's ranges, an office, travelers; one address covered by a range. */
  typical: {
    policy: { mediaOpenToAll: true, lanRanges, primaryAdmin: ["203.0.113.10"] },
    services: [rtp, sip, sipTls, ssh],
    allow: [
      { address: "198.51.100.0/24", services: ["sip", "rtp"] },
      { address: "198.51.100.77", services: ["sip"] },
      { address: "203.0.113.45", services: ["sip", "sip-tls"] },
      { address: "192.0.2.7", services: ["sip", "ssh"] },
      { address: "192.0.2.8", services: ["sip"] },
    ],
  },
  /** IPv6 sources and an IPv6 admin next to IPv4 ones. */
  ipv6: {
    policy: { mediaOpenToAll: true, lanRanges, primaryAdmin: ["203.0.113.10", "2001:db8:ad::1"] },
    services: [rtp, sip],
    allow: [
      { address: "2001:db8:1::/48", services: ["sip"] },
      { address: "2001:db8:1:2::5", services: ["sip"] },
      { address: "2001:db8:2::10", services: ["sip"] },
      { address: "192.0.2.7", services: ["sip"] },
    ],
  },
  /** Media closed: RTP only from sources allowed for it. */
  "media-closed": {
    policy: { mediaOpenToAll: false, lanRanges, primaryAdmin: [] },
    services: [rtp, sip],
    allow: [{ address: "198.51.100.0/24", services: ["sip", "rtp"] }],
  },
  /** An operator's own service with a port range and more ports than one multiport rule takes. */
  "custom-service": {
    policy: { mediaOpenToAll: true, lanRanges, primaryAdmin: ["203.0.113.10"] },
    services: [
      rtp,
      {
        id: "acme-provisioning",
        name: "ACME phone provisioning",
        ports: [
          { protocol: "tcp", from: 8000, to: 8100 },
          { protocol: "udp", from: 69, to: 69 },
          ...[8200, 8201, 8202, 8203, 8204, 8205, 8206, 8207, 8208, 8209, 8210, 8211, 8212, 8213].map((port) => ({
            protocol: "tcp" as const,
            from: port,
            to: port,
          })),
        ],
      },
    ],
    allow: [{ address: "192.0.2.0/28", services: ["acme-provisioning"] }],
  },
  /** Sources allowed for everything. */
  all: {
    policy: { mediaOpenToAll: true, lanRanges, primaryAdmin: ["203.0.113.10"] },
    services: [all, rtp, sip],
    allow: [
      { address: "192.0.2.50", services: ["all"] },
      { address: "2001:db8:3::/64", services: ["all"] },
      { address: "198.51.100.9", services: ["sip"] },
    ],
  },
};
