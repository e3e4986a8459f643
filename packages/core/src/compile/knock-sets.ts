// Drop telemetry: the sets that count who knocks on a closed port. Just before the final drop,
// every TCP or UDP packet that no allow rule accepted is counted per (source, protocol, port) in a
// kernel set of fixed size whose elements time out: a scan of a million sources costs the same
// memory as one of 65,536. When the set is full, new knockers are dropped without being counted.
// The sets are never part of the allowlist: no rule accepts anything because of them.
import type { Family } from "./members.ts";

/** Elements per family; a flood beyond this is dropped uncounted, never unbounded. */
const KNOCK_SET_SIZE = 65_536;
const IPSET_KNOCK_HASHSIZE = 8192;
/** An element that sees no packet (nftables) or was first seen (ipset) this long ago goes away. */
export const KNOCK_TIMEOUT_SECONDS = 3600;

/** "gh4.knock": "." never occurs in a service id, so no service's set can take the name. */
export function knockSetName(family: Family): string {
  return `gh${family}.knock`;
}

/** nftables: the set's declaration inside table inet gatehouse. */
export function nftKnockSetLines(family: Family): string[] {
  const address = family === 4 ? "ipv4_addr" : "ipv6_addr";
  return [
    `\tset ${knockSetName(family)} {`,
    `\t\ttype ${address} . inet_proto . inet_service`,
    `\t\tsize ${KNOCK_SET_SIZE}`,
    "\t\tflags dynamic,timeout",
    `\t\ttimeout ${KNOCK_TIMEOUT_SECONDS}s`,
    // One counter per element, bumped by every `update` that finds it.
    "\t\tcounter",
    "\t}",
  ];
}

/** nftables: the rule before the policy drop; `update` refreshes the timeout, so `expires` tells when it was last seen. */
export function nftKnockRule(family: Family): string {
  const address = family === 4 ? "ip saddr" : "ip6 saddr";
  return `meta l4proto { tcp, udp } update @${knockSetName(family)} { ${address} . meta l4proto . th dport }`;
}

/**
 * ipset: created once and never swapped, so its counts survive an apply. A hash set filled from
 * the packet path does not grow its table: it stops at hashsize x 12 (its bucket size), so the
 * table is sized for maxelem up front (1024 would stop it at 12,288 sources).
 */
export function ipsetKnockCreate(family: Family): string {
  const ipsetFamily = family === 4 ? "inet" : "inet6";
  return `create ${knockSetName(family)} hash:ip,port family ${ipsetFamily} hashsize ${IPSET_KNOCK_HASHSIZE} counters timeout ${KNOCK_TIMEOUT_SECONDS} maxelem ${KNOCK_SET_SIZE} -exist`;
}

/**
 * New sources per second that `-j SET` may add (per protocol). A full set with timeouts runs an
 * expiry pass on every add, which under a spoofed-source scan cost every dropped packet:
 * bench/scan-counting.bench.ts measured 14k of 100k packets/s received with unlimited adds. Known
 * sources are still counted on every packet; past the limit a new one is dropped uncounted.
 * Written as iptables-save prints it, so the live rule reads back the same.
 */
const IPTABLES_NEW_KNOCKERS = "-m limit --limit 1000/sec --limit-burst 2000";

/**
 * iptables: matches before the final DROP. A known element's match counts the packet; a new one is
 * added by `-j SET` (which counts the packet that added it; re-adding an element would reset its
 * counter, hence no --exist, and `timeout` then tells when it was first seen).
 */
export function iptablesKnockMatches(family: Family): Array<{ match: string; target: "DROP" | `SET --add-set ${string}` }> {
  const name = knockSetName(family);
  return [
    { match: `-m set --match-set ${name} src,dst`, target: "DROP" },
    { match: `-p tcp ${IPTABLES_NEW_KNOCKERS}`, target: `SET --add-set ${name} src,dst` },
    { match: `-p udp ${IPTABLES_NEW_KNOCKERS}`, target: `SET --add-set ${name} src,dst` },
  ];
}
