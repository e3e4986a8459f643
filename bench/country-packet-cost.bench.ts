// What country sets cost each new packet, against no firewall, in the same run: the US alone
// and the 20-country allowlist (country-lists.ts), on nftables and on ipset + iptables, loaded
// by the real backends (country-pbx.ts). Needs root: network namespaces it creates and deletes
// (a client, a PBX without firewall and one PBX per backend and list, on a bridge).
//   npx tsx bench/country-packet-cost.bench.ts [rounds]      or      pnpm bench country-packet-cost
//
// firewall-apply's method: UDP round trips from the client to a UDP echo on each PBX, every probe
// a new socket, so every request is a NEW conntrack flow that walks the whole input chain. The
// client is allowed by one more network (192.0.2.0/24) of the same SIP sets, so its packets are
// looked up in sets of the list's size. Rounds alternate between the PBXs so that load on the
// machine hits all alike; median and p99 are over every probe of every round, the cost is the
// difference with the PBX without firewall, and the spread of the round medians shows the noise.
import { pathToFileURL } from "node:url";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { printTable, type Row } from "./bench-table.ts";
import { SIP_PORT, countryPbxs, countryState, loadAverage, median, pbxFirewall, pbxLabel } from "./country-pbx.ts";
import { loadCountryLists } from "./country-lists.ts";
import { percentile } from "./stats.ts";
import { udpRoundTrips } from "./udp-round-trips.ts";

const PROBES = 2_000;

interface Target {
  host: string;
  what: string;
}

interface Measured {
  rtts: number[];
  roundMedians: number[];
  lost: number;
}

async function measure(lab: NetnsLab, targets: readonly Target[], rounds: number): Promise<Map<string, Measured>> {
  const measured = new Map<string, Measured>(targets.map((target) => [target.host, { rtts: [], roundMedians: [], lost: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const result = await udpRoundTrips(lab, "client", target.host, SIP_PORT, PROBES);
      const into = measured.get(target.host)!;
      into.rtts.push(...result.rtts);
      into.roundMedians.push(median(result.rtts));
      into.lost += result.lost;
    }
  }
  return measured;
}

const us = (value: number) => `${value.toFixed(1)} µs`;
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)} µs`;

function rows(targets: readonly Target[], measured: Map<string, Measured>): Row[] {
  const summary = (host: string) => {
    const sorted = [...measured.get(host)!.rtts].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const plain = summary(targets[0]!.host);
  return targets.map((target) => {
    const { median: mid, p99 } = summary(target.host);
    const { roundMedians, lost } = measured.get(target.host)!;
    const cost = target === targets[0] ? ["", ""] : [signed(mid - plain.median), signed(p99 - plain.p99)];
    return { what: target.what, values: [us(mid), us(p99), ...cost, `${us(Math.min(...roundMedians))} - ${us(Math.max(...roundMedians))}`, String(lost)] };
  });
}

export async function main(rounds = 5): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: needs root (network namespaces)");
    return;
  }
  const loadBefore = loadAverage();
  const countries = await loadCountryLists();
  const pbxs = countryPbxs(countries.lists);
  const lab = await NetnsLab.create({ label: "geopkt", hosts: ["client", "plain", ...pbxs.map((pbx) => pbx.host)] });
  try {
    for (const pbx of pbxs) await pbxFirewall(lab, pbx).create().apply(countryState(pbx.list.networks));
    const targets: Target[] = [{ host: "plain", what: "no firewall" }, ...pbxs.map((pbx) => ({ host: pbx.host, what: pbxLabel(pbx) }))];
    for (const target of targets) await lab.echoUdp(target.host, [SIP_PORT]);
    const measured = await measure(lab, targets, rounds);
    console.log(`database ${countries.version}; 20 countries: ${countries.lists[1]!.codes.join(" ")}; load average ${loadBefore} before, ${loadAverage()} after`);
    printTable(
      `Per new packet with country sets loaded for SIP, the client allowed by a network in the same sets (${rounds} interleaved rounds of ${PROBES} UDP round trips, pooled)`,
      ["", "median", "p99", "median cost", "p99 cost", "round medians", "lost"],
      rows(targets, measured),
    );
  } finally {
    await lab.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(Number(process.argv[2] ?? 5));
}
