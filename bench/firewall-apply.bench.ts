// How long it takes to enforce a large allowlist, and what it costs each packet, with ipset sets,
// nftables sets and (for comparison) one linear iptables rule per address. Needs root: it runs
// in network namespaces it creates and deletes (a client and one PBX per configuration on a
// bridge), never on the host's firewall.
//   npx tsx bench/firewall-apply.bench.ts [runs]      or      pnpm bench firewall-apply
//
// Apply: the backend's apply() (compile + load + read-backs), median of `runs`, on sets of
// 1,000 / 10,000 / 100,000 IPv4 /32 entries; linear: iptables-restore of one rule per address.
// Delta: apply() of 500 removals + 500 additions on the 10k and 100k lists (plus the bare batch
// command): with states sharing their address strings; with each state parsed from JSON first,
// as the agent receives it (new strings: the backend cannot compare by identity); and the first
// delta after a full apply, which also takes in the members the full apply loaded.
// Per packet: UDP ping-pong from the client, whose address is the LAST of 100k entries, to a
// UDP echo on the PBX; every probe uses a new socket (new source port), so each request is a
// NEW conntrack flow that walks the whole chain. Rounds alternate between the PBXs (no firewall,
// ipset, nft, linear) so that load on the machine affects all alike; the median round trip minus
// the one without a firewall is the firewall's cost for one new packet. Node's own round trip
// (~60-120 µs) varies by more than a set lookup costs, so for the sets this only shows that the
// cost is within that noise; for the linear chain it is ~1.5 ms and measured well.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import {
  compileIpsetDelta,
  compileIptables,
  compileNftDelta,
  compileNftRuleset,
  diffSets,
  type ResolvedState,
} from "../packages/core/src/index.ts";
import type { FirewallBackend } from "../apps/agent/src/firewall/index.ts";
import { CommandRunner, IptablesBackend, NftablesBackend } from "../apps/agent/src/firewall/index.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { printTable, type Row } from "./bench-table.ts";
import { udpRoundTrips } from "./udp-round-trips.ts";

const SIZES = [1_000, 10_000, 100_000];
const PORT = 5060;
const DELTA_CHANGES = 1_000;
const DELTA_SIZES = [10_000, 100_000];
/** Probes per configuration for the per-packet cost; fewer for the slow linear chain. */
const PROBES = { fast: 2_000, linear: 400 };
const PROBE_ROUNDS = 5;

function addresses(count: number, last: string): string[] {
  // Shared address space (100.64.0.0/10): never a real customer, never a test host.
  const list = Array.from({ length: count - 1 }, (_, i) => `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
  return [...list, last];
}

function stateFor(sources: string[]): ResolvedState {
  return {
    policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: [] },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: PORT, to: PORT }] }],
    allow: sources.map((address) => ({ address, services: ["sip"] })),
  };
}

/** The same list with `changes` / 2 entries removed and as many new ones added. */
function withChanges(sources: string[], changes: number, round: number): string[] {
  const half = changes / 2;
  const added = Array.from({ length: half }, (_, i) => `100.127.${(round * 8 + (i >> 8)) & 255}.${i & 255}`);
  return [...sources.slice(half), ...added];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

/** The state as the agent holds it after parsing a message: every string a new one. */
function parsedCopy(state: ResolvedState): ResolvedState {
  return JSON.parse(JSON.stringify(state)) as ResolvedState;
}

/** Median time of apply() of the changed list (a delta), putting the list back between runs. */
async function deltaApply(backend: FirewallBackend, sources: string[], runs: number, parsed: boolean): Promise<number> {
  const prepare = parsed ? parsedCopy : (state: ResolvedState) => state;
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const changed = prepare(stateFor(withChanges(sources, DELTA_CHANGES, run)));
    const start = performance.now();
    const summary = await backend.apply(changed);
    times.push(performance.now() - start);
    if (summary.mode !== "delta") throw new Error(`expected a delta, got ${summary.mode}`);
    await backend.apply(prepare(stateFor(sources)));
  }
  return median(times);
}

/**
 * Median time of the first apply() of the changed list after a full apply: the backend takes in
 * the members of the full apply then (see AppliedMembers.deferred), once.
 */
async function firstDeltaApply(create: () => FirewallBackend, sources: string[], runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const backend = create();
    await backend.apply(stateFor(sources));
    const changed = stateFor(withChanges(sources, DELTA_CHANGES, run));
    const start = performance.now();
    const summary = await backend.apply(changed);
    times.push(performance.now() - start);
    if (summary.mode !== "delta") throw new Error(`expected a delta, got ${summary.mode}`);
  }
  return median(times);
}

/** Median time of the bare batch command (`ipset restore` / `nft -f`) for the same change. */
async function deltaCommand(runner: CommandRunner, kind: "ipset" | "nft", sources: string[], runs: number): Promise<number> {
  const sets = (list: string[]) => (kind === "ipset" ? compileIptables(stateFor(list)).sets : compileNftRuleset(stateFor(list)).sets);
  const render = kind === "ipset" ? compileIpsetDelta : compileNftDelta;
  const [command, args] = kind === "ipset" ? ["ipset", ["restore"]] : ["nft", ["-f", "-"]];
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const before = sets(sources);
    const after = sets(withChanges(sources, DELTA_CHANGES, run));
    const forward = render(diffSets(before, after));
    times.push(await timed(() => runner.run(command, args, { input: forward })));
    await runner.run(command, args, { input: render(diffSets(after, before)) });
  }
  return median(times);
}

async function medianOf(runs: number, action: (run: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push(await timed(() => action(run)));
  return median(times);
}

function linearRuleset(sources: string[]): string {
  const rules = sources.map((source) => `-A GHLINEAR -s ${source}/32 -p udp -m udp --dport ${PORT} -j ACCEPT`);
  return [
    "*filter",
    ":GHLINEAR - [0:0]",
    "-A GHLINEAR -i lo -j ACCEPT",
    "-A GHLINEAR -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ...rules,
    "-A GHLINEAR -j DROP",
    "COMMIT",
    "",
  ].join("\n");
}

async function roundTripMicros(lab: NetnsLab, target: string, probes: number): Promise<{ median: number; lost: number }> {
  const { rtts, lost } = await udpRoundTrips(lab, "client", target, PORT, probes);
  return { median: median(rtts), lost };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

/** The per-packet cost: interleaved rounds over every target, so load changes hit all alike. */
async function perPacketRows(lab: NetnsLab, rounds: number): Promise<Row[]> {
  const targets = [
    { host: "plain", what: "no firewall", rules: 0, probes: PROBES.fast },
    { host: "ipset", what: "ipset (hash:net), 100k", rules: 1, probes: PROBES.fast },
    { host: "nft", what: "nftables set, 100k", rules: 1, probes: PROBES.fast },
    { host: "linear", what: "linear iptables, 100k (client last)", rules: 100_000, probes: PROBES.linear },
  ];
  const medians = new Map<string, number[]>(targets.map((target) => [target.host, []]));
  const lost = new Map<string, number>(targets.map((target) => [target.host, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const result = await roundTripMicros(lab, target.host, target.probes);
      medians.get(target.host)!.push(result.median);
      lost.set(target.host, lost.get(target.host)! + result.lost);
    }
  }
  const plainRounds = medians.get("plain")!;
  const plain = median(plainRounds);
  const noise = Math.max(...plainRounds) - Math.min(...plainRounds);
  return targets.map((target) => {
    const rtt = median(medians.get(target.host)!);
    const extraNs = (rtt - plain) * 1000;
    const cost =
      target.rules === 0
        ? `(rounds spread ±${((noise / 2) * 1000).toFixed(0)} ns)`
        : target.rules === 1
          ? `${extraNs.toFixed(0)} ns`
          : `${extraNs.toFixed(0)} ns = ${(extraNs / target.rules).toFixed(1)} ns/rule`;
    return { what: target.what, values: [`${rtt.toFixed(1)} µs`, cost, `${lost.get(target.host)}`] };
  });
}

export async function main(runs = 3): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: needs root (network namespaces)");
    return;
  }
  // One PBX namespace per configuration, so the per-packet rounds can interleave them.
  const lab = await NetnsLab.create({ label: "bench", hosts: ["client", "plain", "ipset", "nft", "linear"] });
  try {
    for (const host of ["plain", "ipset", "nft", "linear"]) await lab.echoUdp(host, [PORT]);
    const runnerIn = (host: string) => new CommandRunner({ netns: lab.host(host).netns });
    const lists = new Map(SIZES.map((size) => [size, addresses(size, lab.host("client").ipv4)]));
    const apply: Row[] = [];
    const deltas: Row[] = [];

    const compileRow: string[] = [];
    for (const size of SIZES) {
      const state = stateFor(lists.get(size)!);
      compileRow.push(`${ms(await medianOf(runs, async () => compileIptables(state)))} / ${ms(await medianOf(runs, async () => compileNftRuleset(state)))}`);
    }
    apply.push({ what: "compile only (iptables / nft)", values: compileRow });

    for (const [host, kind, create] of [
      ["ipset", "ipset", (runner: CommandRunner) => new IptablesBackend({ runner })],
      ["nft", "nft", (runner: CommandRunner) => new NftablesBackend({ runner })],
    ] as const) {
      const runner = runnerIn(host);
      const times: number[] = [];
      // A new backend each run: nothing applied before, so every apply() is a full one.
      for (const size of SIZES) times.push(await medianOf(runs, () => create(runner).apply(stateFor(lists.get(size)!))));
      apply.push({ what: kind === "ipset" ? "ipset + iptables, full apply()" : "nftables sets, full apply()", values: times.map(ms) });
      for (const size of DELTA_SIZES) {
        const list = lists.get(size)!;
        const firstMs = await firstDeltaApply(() => create(runner), list, runs);
        const backend = create(runner);
        await backend.apply(stateFor(list));
        const applyMs = await deltaApply(backend, list, runs, false);
        const parsedMs = await deltaApply(backend, list, runs, true);
        const batchMs = await deltaCommand(runner, kind, list, runs);
        deltas.push({ what: `${kind}, ${size.toLocaleString("en")} entries`, values: [ms(applyMs), ms(parsedMs), ms(firstMs), ms(batchMs)] });
      }
      // The 100k list stays enforced for the per-packet rounds.
    }

    const linear = runnerIn("linear");
    const linearTimes: number[] = [];
    for (const size of SIZES) {
      const ruleset = linearRuleset(lists.get(size)!);
      linearTimes.push(await medianOf(runs, () => linear.run("iptables-restore", ["-w", "10", "--noflush"], { input: ruleset })));
    }
    apply.push({ what: "linear iptables rules (iptables-restore)", values: linearTimes.map(ms) });
    await linear.run("iptables", ["-I", "INPUT", "1", "-j", "GHLINEAR"]);

    const perPacket = await perPacketRows(lab, PROBE_ROUNDS);

    printTable("Full apply, IPv4 /32 entries (median of runs)", ["", ...SIZES.map((size) => `${size.toLocaleString("en")}`)], apply);
    printTable(
      `Delta: ${DELTA_CHANGES} changes (500 removed, 500 added), median of runs. apply() compares the state with the members it kept and loads the changes as one ipset restore / nft transaction ("batch alone"); the first delta after a full apply also takes in the members of that full apply`,
      ["", "apply() (delta)", "apply(), parsed state", "first after a full", "batch alone"],
      deltas,
    );
    printTable(
      `Per new packet, client's address last in a 100k list (median of ${PROBE_ROUNDS} interleaved rounds of median UDP round trips)`,
      ["", "round trip", "firewall cost", "lost"],
      perPacket,
    );
  } finally {
    await lab.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(Number(process.argv[2] ?? 3));
}
