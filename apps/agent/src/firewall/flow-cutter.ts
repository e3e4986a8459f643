// Cuts the open flows a new ruleset no longer allows. The rulesets accept established traffic
// first, so without this a phone that keeps sending stays connected after its access is removed.
// Called right after an apply has committed; it never fails the apply: a missing conntrack or a
// failed deletion is reported, and the ruleset stays as applied.
//
// One `conntrack -L` lists every flow; each flow is matched by its original direction only
// (source address, protocol, destination port) against the revoked flows, and flows this host
// started itself (its own address as the source, e.g. the agent's link to the control plane) are
// never touched. Matching flows are deleted by their exact original source, destination and
// destination port, one `conntrack -D` per such triple.
import { RevokedFlowMatcher, type RevokedFlow } from "@gatehouse/core";
import { CommandError, type CommandRunner } from "./command-runner.ts";
import { deletedCount, parseConntrackListing, parseLocalAddresses, type OpenFlow } from "./conntrack-listing.ts";

export interface FlowCutResult {
  /** Flow entries deleted. */
  cut: number;
  /** Why some flows may still be open (conntrack missing, a deletion failed); null when none. */
  warning: string | null;
}

export interface FlowCutter {
  cut(revoked: readonly RevokedFlow[]): Promise<FlowCutResult>;
}

const FAMILY_NAMES = { 4: "ipv4", 6: "ipv6" } as const;

/** One `conntrack -D`: every flow from one source to one of our addresses and ports. */
interface Target {
  family: 4 | 6;
  protocol: OpenFlow["protocol"];
  source: string;
  destination: string;
  port: number;
}

function targetsOf(flows: OpenFlow[], matcher: RevokedFlowMatcher, local: ReadonlySet<string>): Target[] {
  const targets = new Map<string, Target>();
  for (const flow of flows) {
    if (local.has(flow.source) || !matcher.matches(flow.protocol, flow.source, flow.destinationPort)) continue;
    const target = { family: flow.family, protocol: flow.protocol, source: flow.source, destination: flow.destination, port: flow.destinationPort };
    targets.set(JSON.stringify(target), target);
  }
  return [...targets.values()];
}

function deleteArgs(target: Target): string[] {
  return [
    "-D",
    "-f", FAMILY_NAMES[target.family],
    "-p", target.protocol,
    "--orig-src", target.source,
    "--orig-dst", target.destination,
    "--orig-port-dst", String(target.port),
  ];
}

export class ConntrackFlowCutter implements FlowCutter {
  constructor(private readonly runner: CommandRunner) {}

  async cut(revoked: readonly RevokedFlow[]): Promise<FlowCutResult> {
    if (revoked.length === 0) return { cut: 0, warning: null };
    let open: OpenFlow[];
    let local: Set<string>;
    try {
      const [listing, addresses] = await Promise.all([this.runner.run("conntrack", ["-L", "-o", "extended"]), this.runner.run("ip", ["-j", "address", "show"])]);
      open = parseConntrackListing(listing.stdout);
      local = parseLocalAddresses(addresses.stdout);
    } catch (error) {
      return { cut: 0, warning: `open connections of revoked sources were not cut in ${this.runner.where} (is conntrack-tools installed?): ${(error as Error).message}` };
    }
    const matcher = new RevokedFlowMatcher(revoked);
    let cut = 0;
    const failures: string[] = [];
    for (const target of targetsOf(open, matcher, local)) {
      try {
        cut += deletedCount((await this.runner.run("conntrack", deleteArgs(target))).stderr);
      } catch (error) {
        // Exit 1 with "0 flow entries have been deleted": the flow ended on its own meanwhile.
        if (error instanceof CommandError && error.exitCode === 1 && /\b0 flow entries have been deleted/.test(error.stderr)) continue;
        failures.push((error as Error).message);
      }
    }
    const warning = failures.length > 0 ? `${failures.length} open connection(s) of revoked sources could not be cut: ${failures[0]}` : null;
    return { cut, warning };
  }
}
