// What a host's firewall tools say about it, for choosing the backend (backend-choice.ts): its
// nftables tables, whether iptables-restore and ipset work, and what iptables' INPUT holds.
import { IPTABLES_CHAIN, NFT_FAMILY, NFT_TABLE } from "@gatehouse/core";
import type { CommandRunner } from "./command-runner.ts";

interface NftTableId {
  family: string;
  name: string;
}

/** Tables iptables-nft creates for its own chains (and Docker's, through it). */
const IPTABLES_NFT_FAMILIES = new Set(["ip", "ip6", "arp", "bridge"]);
const IPTABLES_NFT_TABLES = new Set(["filter", "nat", "mangle", "raw", "security"]);

/** The tables a host made with nft itself: not iptables-nft's, not Gatehouse's. */
export function nativeNftTables(tables: NftTableId[]): NftTableId[] {
  return tables.filter(
    (table) =>
      !(IPTABLES_NFT_FAMILIES.has(table.family) && IPTABLES_NFT_TABLES.has(table.name)) &&
      !(table.family === NFT_FAMILY && table.name === NFT_TABLE),
  );
}

function parseNftTables(json: string): NftTableId[] {
  const parsed = JSON.parse(json) as { nftables?: Array<{ table?: NftTableId }> };
  return (parsed.nftables ?? []).flatMap((item) => (item.table ? [{ family: item.table.family, name: item.table.name }] : []));
}

/** Every nftables table; null when nft does not work here. */
export async function listNftTables(runner: CommandRunner): Promise<NftTableId[] | null> {
  try {
    return parseNftTables((await runner.run("nft", ["-j", "list", "tables"])).stdout);
  } catch {
    return null;
  }
}

export async function iptablesUsable(runner: CommandRunner): Promise<boolean> {
  return (await runner.succeeds("iptables-restore", ["--version"])) && (await runner.succeeds("ipset", ["version"]));
}

/**
 * What in iptables' INPUT drops what we would allow (ufw, a policy DROP set by hand), or null.
 * There only our jump first in INPUT (the iptables backend) keeps an allowed source allowed: an
 * accept in our nft table is not final, iptables-nft's INPUT chain still sees and drops the packet.
 */
export async function iptablesInputDropper(runner: CommandRunner): Promise<string | null> {
  try {
    const lines = (await runner.run("iptables", ["-w", "10", "-S"])).stdout.split("\n");
    if (lines.some((line) => line.startsWith("-N ufw-"))) return "ufw's chains are in iptables' INPUT";
    if (lines.includes("-P INPUT DROP")) return "iptables' INPUT policy is DROP";
    return null;
  } catch {
    return null;
  }
}

export async function iptablesChainExists(runner: CommandRunner): Promise<boolean> {
  try {
    return (await runner.run("iptables", ["-w", "10", "-S"])).stdout.split("\n").includes(`-N ${IPTABLES_CHAIN}`);
  } catch {
    return false;
  }
}
