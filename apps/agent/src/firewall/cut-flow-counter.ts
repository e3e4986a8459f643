// Counts the open flows an apply cut. The rulesets accept established traffic only in the reply
// direction, so the packets a revoked source sends in a flow it opened meet the allow rules again
// and are dropped from the moment the apply commits: the ruleset does the cutting. This reports
// how many open flows that was, for the log and the control plane.
//
// The conntrack entries are deliberately left alone. Deleting one would let this host's next
// packet to the peer (an RTP packet, a TCP retransmission, an echo in flight) open a new flow in
// the other direction, whose "replies" — the revoked peer's packets — would then be accepted.
//
// One `conntrack -L` lists every flow; a flow counts when its original source and destination
// port are revoked. Flows this host started itself (its own address as the original source, e.g.
// the agent's link to the control plane) never count.
import { RevokedFlowMatcher, type RevokedFlow } from "@gatehouse/core";
import type { CommandRunner } from "./command-runner.ts";
import { parseConntrackListing, parseLocalAddresses, type OpenFlow } from "./conntrack-listing.ts";

export interface FlowCutResult {
  /** Open flows whose packets the new ruleset drops. */
  cut: number;
  /** Why they could not be counted (conntrack missing); null when they were. */
  warning: string | null;
}

export interface CutFlowCounter {
  count(revoked: readonly RevokedFlow[]): Promise<FlowCutResult>;
}

function cutFlows(flows: OpenFlow[], matcher: RevokedFlowMatcher, local: ReadonlySet<string>): number {
  return flows.filter((flow) => !local.has(flow.source) && matcher.matches(flow.protocol, flow.source, flow.destinationPort)).length;
}

export class ConntrackCutFlowCounter implements CutFlowCounter {
  constructor(private readonly runner: CommandRunner) {}

  async count(revoked: readonly RevokedFlow[]): Promise<FlowCutResult> {
    if (revoked.length === 0) return { cut: 0, warning: null };
    try {
      const [listing, addresses] = await Promise.all([this.runner.run("conntrack", ["-L", "-o", "extended"]), this.runner.run("ip", ["-j", "address", "show"])]);
      const local = parseLocalAddresses(addresses.stdout);
      return { cut: cutFlows(parseConntrackListing(listing.stdout), new RevokedFlowMatcher(revoked), local), warning: null };
    } catch (error) {
      return { cut: 0, warning: `cannot count the open connections the apply cut in ${this.runner.where} (is conntrack-tools installed?): ${(error as Error).message}` };
    }
  }
}
