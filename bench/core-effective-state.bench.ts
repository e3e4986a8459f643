// How long the control plane and the agent take to turn a server's allowlist into rulesets:
// effective state (scope, expiry, merge), its hash, FQDN resolution and both compilers, for one
// server with 100, 10,000 and 100,000 entries in scope or near it (mixed scopes, IPv4/IPv6,
// CIDRs, host names, some expired, some for other servers). Median of several runs.
//   npx tsx bench/core-effective-state.bench.ts [runs]      or      pnpm bench core-effective-state
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import {
  compileIptables,
  compileNftRuleset,
  effectiveStateForServer,
  hashDesiredState,
  parseSource,
  resolveDesiredState,
  type EffectiveStateInput,
  type ScopedEntry,
  type ServerForState,
} from "../packages/core/src/index.ts";

export interface EffectiveStateBenchRow {
  entries: number;
  inState: number;
  effectiveMs: number;
  hashMs: number;
  resolveMs: number;
  compileIptablesMs: number;
  compileNftMs: number;
}

const NOW = new Date("2026-11-24T12:00:00Z");
const SERVER: ServerForState = {
  id: "srv-bench",
  tenantId: "tenant-bench",
  tags: ["london", "sales"],
  primaryAdminSource: "203.0.113.10",
  lanRanges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
  mediaOpenToAll: true,
};
const SERVICE_SETS = [["sip", "rtp"], ["sip"], ["all"], ["ssh"], ["iax2", "sip"], ["https", "http"], ["webrtc", "sip-tls"]];

/** A small deterministic PRNG (mulberry32), so every run measures the same input. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function syntheticSource(index: number, next: () => number): Pick<ScopedEntry, "source" | "kind"> {
  const roll = next();
  // Public-looking space (the bench never applies anything), stored canonical as the database does.
  const a = 11 + ((index >>> 16) % 200);
  const b = (index >>> 8) & 0xff;
  const c = index & 0xff;
  const site = `2001:db8:${(index >>> 16).toString(16)}:${(index & 0xffff).toString(16)}`;
  let text: string;
  if (roll < 0.5) text = `${a}.${b}.${c}.${1 + Math.floor(next() * 254)}`;
  else if (roll < 0.65) text = `${a}.${b}.${c}.0/24`;
  else if (roll < 0.85) text = `${site}::${(1 + Math.floor(next() * 0xfffe)).toString(16)}`;
  else if (roll < 0.95) text = `${site}::/64`;
  else text = `pbx-${index}.example.net`;
  const parsed = parseSource(text);
  return { source: parsed.canonical, kind: parsed.kind };
}

function syntheticScope(next: () => number): Pick<ScopedEntry, "scope" | "tenantId" | "groupName" | "serverId"> {
  const roll = next();
  if (roll < 0.1) return { scope: "FLEET", tenantId: null, groupName: null, serverId: null };
  if (roll < 0.4) return { scope: "TENANT", tenantId: SERVER.tenantId, groupName: null, serverId: null };
  if (roll < 0.5) return { scope: "TENANT", tenantId: "tenant-other", groupName: null, serverId: null };
  if (roll < 0.6) return { scope: "GROUP", tenantId: SERVER.tenantId, groupName: "london", serverId: null };
  if (roll < 0.65) return { scope: "GROUP", tenantId: SERVER.tenantId, groupName: "paris", serverId: null };
  if (roll < 0.8) return { scope: "SERVER", tenantId: SERVER.tenantId, groupName: null, serverId: SERVER.id };
  return { scope: "SERVER", tenantId: "tenant-other", groupName: null, serverId: "srv-other" };
}

export function syntheticInput(count: number, seed = 1): { input: EffectiveStateInput; answers: Map<string, string[]> } {
  const next = random(seed);
  const entries: ScopedEntry[] = [];
  const answers = new Map<string, string[]>();
  for (let index = 0; index < count; index++) {
    // About 3% repeat an earlier source (the same trunk allowed at two scopes).
    const source = index > 0 && next() < 0.03 ? entries[Math.floor(next() * entries.length)]! : syntheticSource(index, next);
    const expiresAt = next() < 0.1 ? new Date(NOW.getTime() + (next() < 0.5 ? -1 : 1) * (1 + Math.floor(next() * 86_400_000))) : null;
    entries.push({ ...source, ...syntheticScope(next), services: SERVICE_SETS[Math.floor(next() * SERVICE_SETS.length)]!, expiresAt });
    if (source.kind === "fqdn") answers.set(source.source, [`198.51.${index % 256}.${1 + (index % 250)}`, `2001:db8:ffff::${index.toString(16)}`]);
  }
  return { input: { server: SERVER, entries, customServices: [], now: NOW }, answers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timed<T>(samples: number[], work: () => T): T {
  const start = performance.now();
  const result = work();
  samples.push(performance.now() - start);
  return result;
}

export function measure(sizes: readonly number[] = [100, 10_000, 100_000], runs = 7): EffectiveStateBenchRow[] {
  return sizes.map((count) => {
    const { input, answers } = syntheticInput(count);
    const samples = { effective: [] as number[], hash: [] as number[], resolve: [] as number[], iptables: [] as number[], nft: [] as number[] };
    let inState = 0;
    for (let run = 0; run <= runs; run++) {
      const target = run === 0 ? { effective: [], hash: [], resolve: [], iptables: [], nft: [] } : samples; // run 0 warms up
      const state = timed(target.effective, () => effectiveStateForServer(input));
      timed(target.hash, () => hashDesiredState(state));
      const { resolved } = timed(target.resolve, () => resolveDesiredState(state, answers));
      timed(target.iptables, () => compileIptables(resolved));
      timed(target.nft, () => compileNftRuleset(resolved));
      inState = state.entries.length;
    }
    return {
      entries: count,
      inState,
      effectiveMs: median(samples.effective),
      hashMs: median(samples.hash),
      resolveMs: median(samples.resolve),
      compileIptablesMs: median(samples.iptables),
      compileNftMs: median(samples.nft),
    };
  });
}

export function formatTable(rows: readonly EffectiveStateBenchRow[], runs: number): string {
  const header = ["entries", "in state", "effective ms", "hash ms", "resolve ms", "compile iptables ms", "compile nft ms"];
  const ms = (value: number) => value.toFixed(1);
  const body = rows.map((row) => [
    row.entries.toLocaleString("en-US"),
    row.inState.toLocaleString("en-US"),
    ms(row.effectiveMs),
    ms(row.hashMs),
    ms(row.resolveMs),
    ms(row.compileIptablesMs),
    ms(row.compileNftMs),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padStart(widths[column]!)).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...body.map(line),
    `median of ${runs} runs after one warm-up; node ${process.version}`,
  ].join("\n");
}

export async function main(runs = 7): Promise<void> {
  console.log(formatTable(measure(undefined, runs), runs));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.argv[2] ?? 7);
  await main(Number.isInteger(runs) && runs > 0 ? runs : 7);
}
