// Country allowlists on the real backends: how long they take to enforce and change, and what
// their sets cost the kernel in memory. The networks are the real database's (@gatehouse/geo):
// the US alone (the largest country) and a 20-country allowlist (country-lists.ts), IPv4 and
// IPv6, for SIP (country-pbx.ts). Needs root: it runs in network namespaces it creates and
// deletes (one PBX per backend and list), never on the host.
//   npx tsx bench/country-sets.bench.ts [runs] [US|20]      or      pnpm bench country-sets
// (both lists by default: ~10 minutes on 2 loaded cores; the US alone ~3.5, the 20 countries ~6)
//
// Full: the backend's apply() of the list (compile + load + read-backs, the state parsed from
// JSON as the agent receives it) from an empty ruleset with a new backend, median of `runs`.
// Delta: apply() with 1% of the networks changed (0.5% removed, as many added), the first after
// a full apply (it also takes in what the full apply loaded) and later ones; and with 10 changed.
// nftables 1.0.6 reads an interval set whole from the kernel before it changes an element, so a
// delta on a country set takes minutes: each nftables delta runs once, its command stopped after
// 30 s (the agent stops it at 120 s and replaces everything); once the US list's 1% delta was
// stopped, the 20-country one is not tried.
// Memory: around each full apply, a second after it for deferred frees, the kernel memory
// charged to this process's cgroup (it sees nftables only: kernel-memory.ts), the system's Slab
// (other work on the machine lands in it too), and for ipset its own "Size in memory".
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import type { FirewallBackend } from "../apps/agent/src/firewall/index.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { printTable, type Row } from "./bench-table.ts";
import { countryPbxs, countryState, loadAverage, median, pbxFirewall, pbxLabel, type CountryPbx } from "./country-pbx.ts";
import { loadCountryLists, withChangedNetworks, type CountryLists } from "./country-lists.ts";
import { kernelMemory, memoryGrowth, type KernelMemory } from "./kernel-memory.ts";

/** nf_tables and ipset free a replaced set after an RCU grace period, from a work queue. */
const SETTLE_MS = 1_000;
const NFT_DELTA_LIMIT_MS = 30_000;
const FEW_CHANGES = 10;

interface Timing {
  ms: number;
  /** "full": the delta failed (here: its command was stopped) and the backend replaced everything. */
  mode: "full" | "delta";
}

interface ApplyFigures {
  fullMs: number[];
  firstDelta: Timing[];
  laterDelta: Timing[];
  fewChanges: Timing[];
  memory: KernelMemory[];
  /** ipset's own "Size in memory" of every set, after the last full apply. */
  ipsetBytes: number | null;
}

async function timedApply(backend: FirewallBackend, networks: readonly string[]): Promise<Timing> {
  const state = countryState(networks);
  const start = performance.now();
  const summary = await backend.apply(state);
  return { ms: performance.now() - start, mode: summary.mode };
}

async function settledMemory(): Promise<KernelMemory> {
  await sleep(SETTLE_MS);
  return kernelMemory();
}

async function ipsetBytes(lab: NetnsLab, host: string): Promise<number> {
  const listing = await lab.exec(host, "ipset", ["list", "-t"]);
  return [...listing.stdout.matchAll(/^Size in memory: (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/**
 * Full applies from an empty ruleset with the memory around them, then the deltas. On nftables a
 * delta's command is stopped after NFT_DELTA_LIMIT_MS, the list is put back by a full apply (a
 * delta back would cost as much again), and the 1% delta is left out when `nftOnePercent` is false.
 */
async function applyFigures(lab: NetnsLab, pbx: CountryPbx, outside: CountryLists["outside"], runs: number, nftOnePercent: boolean): Promise<ApplyFigures> {
  const firewall = pbxFirewall(lab, pbx);
  const list = pbx.list.networks;
  const onePercent = (round: number) => withChangedNetworks(list, outside, Math.round(list.length / 200), round);
  const nft = pbx.backend === "nftables";
  const delta = async (networks: string[]) => {
    if (nft) firewall.limitNextCommand(NFT_DELTA_LIMIT_MS);
    return timedApply(backend, networks);
  };
  const figures: ApplyFigures = { fullMs: [], firstDelta: [], laterDelta: [], fewChanges: [], memory: [], ipsetBytes: null };
  let backend = firewall.create();
  for (let run = 0; run < runs; run++) {
    await firewall.create().apply(countryState([]));
    const before = await settledMemory();
    backend = firewall.create();
    const full = await timedApply(backend, list);
    if (full.mode !== "full") throw new Error(`a new backend applied a ${full.mode}`);
    figures.fullMs.push(full.ms);
    figures.memory.push(memoryGrowth(before, await settledMemory()));
    if (!nft) figures.ipsetBytes = await ipsetBytes(lab, pbx.host);
    if (!nft || (nftOnePercent && run === runs - 1)) figures.firstDelta.push(await delta(onePercent(run)));
  }
  // Every timed change starts from the whole list (put back by a delta, not timed, on ipset).
  const restore = async () => {
    if (nft) backend = firewall.create();
    await backend.apply(countryState(list));
  };
  for (let run = 0; run < (nft ? 1 : runs); run++) {
    await restore();
    if (!nft) {
      figures.laterDelta.push(await delta(onePercent(runs + run)));
      await restore();
    }
    figures.fewChanges.push(await delta(withChangedNetworks(list, outside, FEW_CHANGES / 2, run)));
  }
  return figures;
}

const ms = (value: number) => (value < 10_000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(1)} s`);
const mb = (bytes: number | null) => (bytes === null ? "n/a" : `${(bytes / 1_048_576).toFixed(1)} MB`);

function deltaCell(timings: Timing[]): string {
  if (timings.length === 0) return "not tried";
  // "full": the backend replaced everything, at once (a delta too costly for nft's interval
  // sets, delta.ts) or after the delta's command was stopped at the limit.
  const replaced = timings.filter((timing) => timing.mode === "full");
  if (replaced.length > 0) {
    const total = median(replaced.map((timing) => timing.ms));
    return `full replace (${ms(total)} in all${total > NFT_DELTA_LIMIT_MS ? `, after the delta was stopped at ${NFT_DELTA_LIMIT_MS / 1000} s` : ""})`;
  }
  return `${ms(median(timings.map((timing) => timing.ms)))}${timings.length === 1 ? " (1 run)" : ""}`;
}

function familyCounts(networks: readonly string[]): string {
  const v6 = networks.filter((network) => network.includes(":")).length;
  return `${(networks.length - v6).toLocaleString("en")} + ${v6.toLocaleString("en")}`;
}

function rows(pbx: CountryPbx, figures: ApplyFigures): { apply: Row; memory: Row } {
  const what = pbxLabel(pbx);
  const cgroup = figures.memory.map((growth) => growth.cgroupKernel);
  const nftMemory = pbx.backend === "nftables" && !cgroup.includes(null) ? mb(median(cgroup as number[])) : "n/a";
  return {
    apply: {
      what,
      values: [familyCounts(pbx.list.networks), ms(median(figures.fullMs)), deltaCell(figures.firstDelta), deltaCell(figures.laterDelta), deltaCell(figures.fewChanges)],
    },
    memory: { what, values: [nftMemory, mb(median(figures.memory.map((growth) => growth.slab))), pbx.backend === "iptables" ? mb(figures.ipsetBytes) : "-"] },
  };
}

/** `only`: "US" or "20" for one list. */
export async function main(runs = 3, only?: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: needs root (network namespaces)");
    return;
  }
  const loadBefore = loadAverage();
  const countries = await loadCountryLists();
  const pbxs = countryPbxs(countries.lists).filter((pbx) => only === undefined || pbx.list.name.startsWith(only));
  if (pbxs.length === 0) throw new Error(`no country list ${only}: US or 20`);
  const lab = await NetnsLab.create({ label: "geo", hosts: pbxs.map((pbx) => pbx.host) });
  try {
    const apply: Row[] = [];
    const memory: Row[] = [];
    let nftOnePercent = true;
    for (const pbx of pbxs) {
      const figures = await applyFigures(lab, pbx, countries.outside, runs, nftOnePercent);
      // A longer list takes longer still: once a 1% delta was stopped, the next is not tried.
      if (figures.firstDelta.some((timing) => timing.mode === "full")) nftOnePercent = false;
      const row = rows(pbx, figures);
      console.log(`${row.apply.what}: done (load average ${loadAverage()})`);
      apply.push(row.apply);
      memory.push(row.memory);
    }
    console.log(`database ${countries.version}; 20 countries: ${countries.lists[1]!.codes.join(" ")}; load average ${loadBefore} before, ${loadAverage()} after`);
    printTable(
      `Country sets for SIP: full apply() from an empty ruleset and deltas, median of ${runs} runs (nftables deltas: 1 run)`,
      ["", "networks (v4 + v6)", "full apply()", "1% changed, first delta", "1% changed, later", `${FEW_CHANGES} changed`],
      apply,
    );
    printTable(
      "Kernel memory of the loaded sets: growth over an empty ruleset, median of runs (one service's sets; each more service an entry names adds a copy)",
      ["", "cgroup kernel memory", "Slab (system-wide)", "ipset's own count"],
      memory,
    );
  } finally {
    await lab.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(Number(process.argv[2] ?? 3), process.argv[3]);
}
