// Chooses the backend from what the host already uses (after tailscale's linuxfw detector):
// nftables when the host has native nft tables (not ones iptables-nft made), else iptables.
// An explicit choice always wins, and the reason is reported either way.
import { IPTABLES_CHAIN, NFT_FAMILY, NFT_TABLE } from "@gatehouse/core";
import type { BackendName, BackendOptions, FirewallBackend } from "./backend.ts";
import { CommandRunner } from "./command-runner.ts";
import { DryRunBackend } from "./dry-run-backend.ts";
import { IptablesBackend } from "./iptables-backend.ts";
import { NftablesBackend } from "./nftables-backend.ts";

export type BackendPreference = "auto" | BackendName;

export interface BackendDetection {
  name: BackendName;
  /** Why, in words for the operator: "host uses native nftables (table inet f2b-table)". */
  reason: string;
}

interface NftTableId {
  family: string;
  name: string;
}

/** Tables iptables-nft creates for its own chains (and Docker's, through it). */
const IPTABLES_NFT_FAMILIES = new Set(["ip", "ip6", "arp", "bridge"]);
const IPTABLES_NFT_TABLES = new Set(["filter", "nat", "mangle", "raw", "security"]);

/**
 * Tables of tools that only ban (fail2ban's nftables actions): they do not make the host an
 * nftables host, and picking nftables for them would make their bans final over our accepts.
 */
const BAN_TABLES = /^(f2b-|fail2ban)/;

export function nativeNftTables(tables: NftTableId[]): NftTableId[] {
  return tables.filter(
    (table) =>
      !(IPTABLES_NFT_FAMILIES.has(table.family) && IPTABLES_NFT_TABLES.has(table.name)) &&
      !(table.family === NFT_FAMILY && table.name === NFT_TABLE),
  );
}

export function parseNftTables(json: string): NftTableId[] {
  const parsed = JSON.parse(json) as { nftables?: Array<{ table?: NftTableId }> };
  return (parsed.nftables ?? []).flatMap((item) => (item.table ? [{ family: item.table.family, name: item.table.name }] : []));
}

async function listNftTables(runner: CommandRunner): Promise<NftTableId[] | null> {
  try {
    return parseNftTables((await runner.run("nft", ["-j", "list", "tables"])).stdout);
  } catch {
    return null;
  }
}

async function iptablesUsable(runner: CommandRunner): Promise<boolean> {
  return (await runner.succeeds("iptables-restore", ["--version"])) && (await runner.succeeds("ipset", ["version"]));
}

/**
 * What in iptables' INPUT drops what we would allow (ufw, a policy DROP set by hand), or null.
 * There only our jump first in INPUT (the iptables backend) keeps an allowed source allowed: an
 * accept in our nft table is not final, iptables-nft's INPUT chain still sees and drops the packet.
 */
async function iptablesInputDropper(runner: CommandRunner): Promise<string | null> {
  try {
    const lines = (await runner.run("iptables", ["-w", "10", "-S"])).stdout.split("\n");
    if (lines.some((line) => line.startsWith("-N ufw-"))) return "ufw's chains are in iptables' INPUT";
    if (lines.includes("-P INPUT DROP")) return "iptables' INPUT policy is DROP";
    return null;
  } catch {
    return null;
  }
}

async function iptablesChainExists(runner: CommandRunner): Promise<boolean> {
  try {
    return (await runner.run("iptables", ["-w", "10", "-S"])).stdout.split("\n").includes(`-N ${IPTABLES_CHAIN}`);
  } catch {
    return false;
  }
}

export async function detectBackend(runner: CommandRunner = new CommandRunner(), preference: BackendPreference = "auto"): Promise<BackendDetection> {
  if (preference !== "auto") return { name: preference, reason: `chosen explicitly (${preference})` };
  const tables = await listNftTables(runner);
  const iptables = await iptablesUsable(runner);
  if (tables?.some((table) => table.family === NFT_FAMILY && table.name === NFT_TABLE)) {
    return { name: "nftables", reason: `Gatehouse's table ${NFT_FAMILY} ${NFT_TABLE} already exists` };
  }
  if (iptables && (await iptablesChainExists(runner))) {
    return { name: "iptables", reason: `Gatehouse's chain ${IPTABLES_CHAIN} already exists` };
  }
  const dropper = iptables ? await iptablesInputDropper(runner) : null;
  if (dropper !== null) return { name: "iptables", reason: `${dropper}; an nftables accept would not be final there` };
  const native = tables === null ? [] : nativeNftTables(tables).filter((table) => !BAN_TABLES.test(table.name));
  if (native.length > 0) {
    const names = native.map((table) => `${table.family} ${table.name}`).join(", ");
    return { name: "nftables", reason: `host uses native nftables (${names})` };
  }
  if (iptables) return { name: "iptables", reason: "no native nftables tables; iptables-restore and ipset are available" };
  if (tables !== null) return { name: "nftables", reason: "iptables-restore or ipset is missing; nft is available" };
  throw new Error("neither nft nor iptables-restore with ipset works here: install nftables, or iptables and ipset");
}

/** The real backends whose tools work here: what `uninstall` must clean (a host may have run both). */
export async function installedBackends(runner: CommandRunner = new CommandRunner()): Promise<BackendName[]> {
  const [iptables, nft] = await Promise.all([iptablesUsable(runner), listNftTables(runner)]);
  return [...(iptables ? (["iptables"] as const) : []), ...(nft !== null ? (["nftables"] as const) : [])];
}

export function createBackend(name: BackendName, options: BackendOptions = {}): FirewallBackend {
  if (name === "iptables") return new IptablesBackend(options);
  if (name === "nftables") return new NftablesBackend(options);
  return new DryRunBackend(options.logger ? { logger: options.logger } : {});
}

/** Detects (or takes) the backend, reports the choice, and builds it. */
export async function selectBackend(
  preference: BackendPreference,
  options: BackendOptions = {},
): Promise<{ backend: FirewallBackend; detection: BackendDetection }> {
  const runner = options.runner ?? new CommandRunner();
  const detection = await detectBackend(runner, preference);
  options.logger?.info({ backend: detection.name, reason: detection.reason, where: runner.where }, "firewall backend chosen");
  return { backend: createBackend(detection.name, { ...options, runner }), detection };
}
