// `gatehouse-agent allows <address>`: is this address allowed by the allowlist on disk? For
// fail2ban's `ignorecommand` (infra/fail2ban/jail.d/gatehouse.conf), which runs it before every
// ban: exit 0 means "allowed, never ban it", 1 "not allowed", 2 "not an address". It only reads
// applied.json (the state confirmed by the control plane, or while a new one awaits its ack what
// both allow), with the DNS answers kept there: no network, no lock, nothing written.
import { BlockList, isIPv6 } from "node:net";
import { isGatehouseError, parseObservedAddress, resolveDesiredState, type ParsedIp, type ResolvedState } from "@gatehouse/core";
import { loadAppliedRecord } from "../state/applied-record.ts";
import { statePaths } from "../state/state-dir.ts";
import { warn, type Output } from "./output.ts";

/** The answers fail2ban reads: 0 and 1 are the two it expects from an ignorecommand, anything else it logs as an error (and bans). */
const ALLOWS_EXIT = { allowed: 0, notAllowed: 1, notAnAddress: 2 } as const;

/** Every source the allowlist lets in for some service: entries and grants, the primary admin, the LAN ranges. */
function allowedSources(resolved: ResolvedState): string[] {
  return [...resolved.allow.map((allow) => allow.address), ...resolved.policy.primaryAdmin, ...resolved.policy.lanRanges];
}

function blockListOf(sources: readonly string[]): BlockList {
  const list = new BlockList();
  for (const source of sources) {
    const [network = source, prefix] = source.split("/");
    const family = isIPv6(network) ? "ipv6" : "ipv4";
    list.addSubnet(network, prefix === undefined ? (family === "ipv6" ? 128 : 32) : Number(prefix), family);
  }
  return list;
}

/**
 * The address as a peer's: the one strict parser (no hex, no leading zeros, no zone id, no
 * range), `::ffff:a.b.c.d` read as a.b.c.d, as a log written by a dual-stack socket shows it.
 */
function readAddress(text: string): ParsedIp | string {
  try {
    return parseObservedAddress(text);
  } catch (error) {
    if (isGatehouseError(error, "BAD_INPUT")) return error.message;
    throw error;
  }
}

/** Resolves to the exit code: 0 allowed, 1 not allowed (or nothing applied yet), 2 bad input. */
export async function allowsCommand(options: { stateDir: string; address: string }, out: Output): Promise<number> {
  const address = readAddress(options.address);
  if (typeof address === "string") {
    warn(out, `gatehouse-agent allows: ${address}`);
    return ALLOWS_EXIT.notAnAddress;
  }
  const paths = statePaths(options.stateDir);
  const record = await loadAppliedRecord(paths.applied);
  if (record === null) {
    warn(out, `gatehouse-agent allows: no applied allowlist in ${paths.applied}: ${address.canonical} is not allowed`);
    return ALLOWS_EXIT.notAllowed;
  }
  const answers = new Map(record.answers.map((answer) => [answer.fqdn, answer.addresses]));
  const { resolved } = resolveDesiredState(record.state, answers);
  const allowed = blockListOf(allowedSources(resolved)).check(address.canonical, address.family === 6 ? "ipv6" : "ipv4");
  out.print(`${address.canonical} is ${allowed ? "allowed" : "not allowed"} by revision ${record.revision}'s allowlist`);
  return allowed ? ALLOWS_EXIT.allowed : ALLOWS_EXIT.notAllowed;
}
