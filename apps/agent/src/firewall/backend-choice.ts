// Which firewall backend drives this host, decided here and nowhere else. One backend per host:
// an explicit --backend wins (and replaces a different recorded one), else the backend recorded
// for the host, else detection from what the host already uses (after tailscale's linuxfw
// detector): nftables when the host has native nft tables, else iptables. The reason is reported
// either way. The factories build the chosen backend (tests pass fakes in their place).
import { IPTABLES_CHAIN, NFT_FAMILY, NFT_TABLE } from "@gatehouse/core";
import type { BackendName, FirewallBackend } from "./backend.ts";
import { CommandRunner } from "./command-runner.ts";
import { ConntrackCutFlowCounter, type CutFlowCounter } from "./cut-flow-counter.ts";
import { DryRunBackend } from "./dry-run-backend.ts";
import { iptablesChainExists, iptablesInputDropper, iptablesUsable, listNftTables, nativeNftTables } from "./host-probe.ts";
import { IptablesBackend } from "./iptables-backend.ts";
import type { FirewallLogger } from "./logger.ts";
import { NftablesBackend } from "./nftables-backend.ts";

const BACKEND_CHOICES = ["auto", "iptables", "nftables", "dry-run"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`unknown backend "${value}" (choose ${BACKEND_CHOICES.join(", ")})`);
}

// --- the host's record and the operator's flag ---------------------------------------------

/** The backend recorded for this host, and where it was recorded. */
export interface RecordedBackend {
  name: BackendName;
  /** "applied.json" (what enforces the applied state) or "agent.json" (chosen at enrollment). */
  in: string;
}

export interface HostBackendDecision {
  /** What to build: an explicit choice, else the recorded backend, else "auto" (detection). */
  choice: BackendChoice;
  /** A recorded backend an explicit choice replaces: its Gatehouse objects go once the new one enforces. */
  replaces: BackendName | null;
  /** Why, for the log. */
  reason: string;
}

/**
 * The explicit --backend wins (the operator asked for it) and replaces a different recorded one;
 * without it the recorded backend is used, and only a host with nothing recorded (never applied,
 * or a record from an agent that did not keep it) is detected.
 */
export function decideHostBackend(explicit: BackendChoice, recorded: RecordedBackend | null): HostBackendDecision {
  if (explicit === "auto") {
    if (recorded === null) return { choice: "auto", replaces: null, reason: "no backend recorded for this host yet (nothing applied, or a record from an older agent): detecting" };
    return { choice: recorded.name, replaces: null, reason: `the backend recorded in ${recorded.in}` };
  }
  if (recorded === null || recorded.name === explicit) return { choice: explicit, replaces: null, reason: `chosen with --backend ${explicit}` };
  // A dry run touches no firewall, so it neither replaces a real backend nor has objects to remove.
  const replaces = explicit === "dry-run" || recorded.name === "dry-run" ? null : recorded.name;
  return { choice: explicit, replaces, reason: `chosen with --backend ${explicit}; ${recorded.in} recorded ${recorded.name}` };
}

// --- detection -----------------------------------------------------------------------------

interface BackendDetection {
  name: BackendName;
  /** Why, in words for the operator: "host uses native nftables (table inet filter)". */
  reason: string;
}

/**
 * Tables of tools that only ban (fail2ban's nftables actions): they do not make the host an
 * nftables host, and picking nftables for them would make their bans final over our accepts.
 */
const BAN_TABLES = /^(f2b-|fail2ban)/;

export async function detectBackend(runner: CommandRunner = new CommandRunner(), choice: BackendChoice = "auto"): Promise<BackendDetection> {
  if (choice !== "auto") return { name: choice, reason: `chosen explicitly (${choice})` };
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

// --- the factories -------------------------------------------------------------------------

export interface BackendRequest {
  choice: BackendChoice;
  /** Run every firewall command inside this network namespace (tests). */
  netns?: string;
  logger: FirewallLogger;
}

export type BackendFactory = (request: BackendRequest) => Promise<FirewallBackend>;

/** What counts the flows an apply cut, for a backend and namespace; null for a dry run. */
export type CutFlowCounterFactory = (request: { backend: BackendName; netns?: string }) => CutFlowCounter | null;

/** The real backends whose tools this host (or namespace) has: the ones `uninstall` cleans. */
export type InstalledBackends = (request: { netns?: string }) => Promise<BackendName[]>;

function runnerIn(netns: string | undefined): CommandRunner {
  return new CommandRunner(netns ? { netns } : {});
}

/** The backend of `request.choice` (detected for "auto", and the choice logged with its reason). */
export const createBackend: BackendFactory = async (request) => {
  const runner = runnerIn(request.netns);
  const detection = await detectBackend(runner, request.choice);
  request.logger.info({ backend: detection.name, reason: detection.reason, where: runner.where }, "firewall backend chosen");
  const options = { runner, logger: request.logger };
  if (detection.name === "iptables") return new IptablesBackend(options);
  if (detection.name === "nftables") return new NftablesBackend(options);
  return new DryRunBackend({ logger: request.logger });
};

/** conntrack-tools in the same namespace as the firewall; a dry run cuts nothing. */
export const createCutFlowCounter: CutFlowCounterFactory = (request) => (request.backend === "dry-run" ? null : new ConntrackCutFlowCounter(runnerIn(request.netns)));

export const installedBackends: InstalledBackends = async (request) => {
  const runner = runnerIn(request.netns);
  const [iptables, nft] = await Promise.all([iptablesUsable(runner), listNftTables(runner)]);
  return [...(iptables ? (["iptables"] as const) : []), ...(nft !== null ? (["nftables"] as const) : [])];
};
