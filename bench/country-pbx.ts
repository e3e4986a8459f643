// The lab of the country-set benches: one PBX namespace per backend and country list, each
// enforcing its list for SIP as a country entry makes it (ordinary allow members of the SIP
// sets), with the client allowed as one more network of the same sets.
import { loadavg } from "node:os";
import type { ResolvedState } from "../packages/core/src/index.ts";
import { CommandRunner, IptablesBackend, NftablesBackend, type FirewallBackend } from "../apps/agent/src/firewall/index.ts";
import type { CommandResult, RunOptions } from "../apps/agent/src/firewall/command-runner.ts";
import type { NetnsLab } from "../packages/testkit/src/netns.ts";
import type { CountryList } from "./country-lists.ts";
import { percentile } from "./stats.ts";

export const SIP_PORT = 5060;
/** The lab's documentation network: the client's way into the country sets. */
const CLIENT_NETWORK = "192.0.2.0/24";

export interface CountryPbx {
  host: string;
  backend: "nftables" | "iptables";
  list: CountryList;
}

/** nft0, ipset0 (the first list), nft1, ipset1, ... */
export function countryPbxs(lists: readonly CountryList[]): CountryPbx[] {
  return lists.flatMap((list, index) => (["nftables", "iptables"] as const).map((backend) => ({ host: `${backend === "nftables" ? "nft" : "ipset"}${index}`, backend, list })));
}

export function pbxLabel(pbx: CountryPbx): string {
  return `${pbx.list.name}, ${pbx.backend === "nftables" ? "nftables" : "ipset + iptables"}`;
}

/** The state as the agent holds it after parsing a message (every string a new one). */
export function countryState(networks: readonly string[]): ResolvedState {
  const state: ResolvedState = {
    policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: [] },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: SIP_PORT, to: SIP_PORT }] }],
    allow: [...networks, CLIENT_NETWORK].map((address) => ({ address, services: ["sip"] })),
  };
  return JSON.parse(JSON.stringify(state)) as ResolvedState;
}

/** Stops the next command after a shorter time than the agent's, then runs with its own limit again. */
class OnceLimitedRunner extends CommandRunner {
  private nextLimitMs: number | null = null;

  limitNext(timeoutMs: number): void {
    this.nextLimitMs = timeoutMs;
  }

  override run(command: string, args: string[], options?: RunOptions): Promise<CommandResult> {
    if (this.nextLimitMs === null) return super.run(command, args, options);
    const limited = new CommandRunner({ ...this.options, timeoutMs: this.nextLimitMs });
    this.nextLimitMs = null;
    return limited.run(command, args, options);
  }
}

export interface PbxFirewall {
  /** A new backend: nothing applied, so its first apply() is a full one. */
  create: () => FirewallBackend;
  /** The next firewall command (a delta known to take minutes) is stopped after `timeoutMs`. */
  limitNextCommand: (timeoutMs: number) => void;
}

export function pbxFirewall(lab: NetnsLab, pbx: CountryPbx): PbxFirewall {
  const runner = new OnceLimitedRunner({ netns: lab.host(pbx.host).netns });
  return {
    create: () => (pbx.backend === "nftables" ? new NftablesBackend({ runner }) : new IptablesBackend({ runner })),
    limitNextCommand: (timeoutMs) => runner.limitNext(timeoutMs),
  };
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");
}
