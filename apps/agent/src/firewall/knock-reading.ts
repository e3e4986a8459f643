// Reads the drop-telemetry sets (compile/knock-sets.ts) back from the kernel: `nft -j list set`
// or `ipset save`, one set per family. What a listing says is parsed, not trusted: an element
// that does not look like (address, tcp|udp, port, packets) is skipped.
import { KNOCK_TIMEOUT_SECONDS, NFT_FAMILY, NFT_TABLE, knockSetName, type IpFamily, type KnockCounter, type KnockProtocol } from "@gatehouse/core";
import { CommandError, type CommandRunner } from "./command-runner.ts";

const FAMILIES: readonly IpFamily[] = [4, 6];
const PROTOCOL_NAMES: Record<string, KnockProtocol> = { tcp: "tcp", udp: "udp", "6": "tcp", "17": "udp" };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;
}

function secondsBefore(at: Date, seconds: number): Date {
  return new Date(at.getTime() - Math.max(0, seconds) * 1000);
}

/** One element of `nft -j list set`: {elem: {val: {concat: [address, protocol, port]}, expires, counter}}. */
function nftElement(element: unknown, at: Date): KnockCounter | null {
  if (!isObject(element) || !isObject(element.elem)) return null;
  const { val, expires, counter } = element.elem;
  if (!isObject(val) || !Array.isArray(val.concat) || !isObject(counter)) return null;
  const [source, protocolName, port] = val.concat as unknown[];
  const protocol = PROTOCOL_NAMES[String(protocolName)];
  if (typeof source !== "string" || protocol === undefined || !isPort(port) || !Number.isInteger(counter.packets)) return null;
  const counted: KnockCounter = { source, protocol, port, packets: counter.packets as number };
  // `update` refreshes the timeout with every packet: what is left of it says when the last came.
  if (typeof expires === "number") counted.lastSeenAt = secondsBefore(at, KNOCK_TIMEOUT_SECONDS - expires);
  return counted;
}

export function parseNftKnockSet(json: string, at: Date): KnockCounter[] {
  const parsed: unknown = JSON.parse(json);
  const items = isObject(parsed) && Array.isArray(parsed.nftables) ? parsed.nftables : [];
  const counters: KnockCounter[] = [];
  for (const item of items) {
    if (!isObject(item) || !isObject(item.set) || !Array.isArray(item.set.elem)) continue;
    for (const element of item.set.elem) {
      const counted = nftElement(element, at);
      if (counted) counters.push(counted);
    }
  }
  return counters;
}

const IPSET_ELEMENT = /^add gh[46]\.knock (\S+),(tcp|udp):(\d+)(?: timeout (\d+))?.* packets (\d+)/;

/** `add gh4.knock 198.51.100.7,udp:5060 timeout 3598 packets 3 bytes 90`; the timeout is never refreshed, so it says when the element came. */
export function parseIpsetKnockSave(saved: string, at: Date): KnockCounter[] {
  const counters: KnockCounter[] = [];
  for (const line of saved.split("\n")) {
    const match = IPSET_ELEMENT.exec(line.trim());
    if (!match) continue;
    const [, source, protocol, port, timeout, packets] = match as unknown as [string, string, KnockProtocol, string, string | undefined, string];
    const counted: KnockCounter = { source, protocol, port: Number(port), packets: Number(packets) };
    if (!isPort(counted.port)) continue;
    if (timeout !== undefined) counted.firstSeenAt = secondsBefore(at, KNOCK_TIMEOUT_SECONDS - Number(timeout));
    counters.push(counted);
  }
  return counters;
}

/** A set that is not there (nothing applied yet, or uninstalled) has no knocks. */
async function listingOrNothing(runner: CommandRunner, command: string, args: string[]): Promise<string | null> {
  try {
    return (await runner.run(command, args)).stdout;
  } catch (error) {
    if (error instanceof CommandError) return null;
    throw error;
  }
}

export async function readNftKnocks(runner: CommandRunner, at: Date): Promise<KnockCounter[]> {
  const listings = await Promise.all(FAMILIES.map((family) => listingOrNothing(runner, "nft", ["-j", "list", "set", NFT_FAMILY, NFT_TABLE, knockSetName(family)])));
  return listings.flatMap((listing) => (listing === null ? [] : parseNftKnockSet(listing, at)));
}

export async function readIpsetKnocks(runner: CommandRunner, at: Date): Promise<KnockCounter[]> {
  const listings = await Promise.all(FAMILIES.map((family) => listingOrNothing(runner, "ipset", ["save", knockSetName(family)])));
  return listings.flatMap((listing) => (listing === null ? [] : parseIpsetKnockSave(listing, at)));
}
