// Shared by the namespace tests that drive a backend directly: a PBX with SIP and SSH listening, a
// traveler and a stranger, and the resolved states the stories apply. Only documentation addresses.
import type { ResolvedState, ServiceDefinition } from "@gatehouse/core";
import type { NetnsLab } from "@gatehouse/testkit/netns";
import { CommandRunner, type CommandResult, type RunOptions } from "../src/firewall/command-runner.ts";

export const SIP_PORT = 5060;
export const SSH_PORT = 22;
/** Long enough for an answer inside one machine, short enough to keep the suite fast. */
const NO_ANSWER_MS = 400;

const services: ServiceDefinition[] = [
  { id: "rtp", name: "RTP media", ports: [{ protocol: "udp", from: 10000, to: 20000 }] },
  {
    id: "sip",
    name: "SIP",
    ports: [
      { protocol: "udp", from: 5060, to: 5060 },
      { protocol: "tcp", from: 5060, to: 5060 },
    ],
  },
  { id: "ssh", name: "SSH", ports: [{ protocol: "tcp", from: 22, to: 22 }] },
];

/** A PBX whose allowlist holds the given sources for SIP (LAN and admin point elsewhere). */
export function pbxState(sipSources: string[]): ResolvedState {
  return {
    policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8", "fc00::/7"], primaryAdmin: ["203.0.113.10"] },
    services,
    allow: [
      { address: "198.51.100.0/24", services: ["sip"] },
      ...sipSources.map((address) => ({ address, services: ["sip"] })),
    ],
  };
}

/** The same allowlist under other rules (no per-source RTP rule), so applying it is a full replace. */
export function withOtherRules(state: ResolvedState): ResolvedState {
  return { ...state, services: state.services.filter((service) => service.id !== "rtp") };
}

export const LAB_HOSTS = ["pbx", "traveler", "stranger"];

/** The addresses of a lab host, both families. */
export function addressesOf(lab: NetnsLab, label: string): string[] {
  const host = lab.host(label);
  return [host.ipv4, host.ipv6];
}

/** Whether `from` reaches the PBX's port over IPv4 and over IPv6, probed in parallel. */
export async function reaches(lab: NetnsLab, from: string, port: number): Promise<{ ipv4: boolean; ipv6: boolean }> {
  const pbx = lab.host("pbx");
  const [ipv4, ipv6] = await Promise.all([
    lab.canConnect(from, pbx.ipv4, port, { timeoutMs: NO_ANSWER_MS }),
    lab.canConnect(from, pbx.ipv6, port, { timeoutMs: NO_ANSWER_MS }),
  ]);
  return { ipv4, ipv6 };
}

export const BOTH = { ipv4: true, ipv6: true };
export const NEITHER = { ipv4: false, ipv6: false };

/** A runner that can be told to fail or tamper with one command, to test what a failure leaves. */
export class SabotagingRunner extends CommandRunner {
  sabotage: ((command: string, options: RunOptions, args: readonly string[]) => RunOptions | "fail") | null = null;

  override async run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const verdict = this.sabotage?.(command, options, args) ?? options;
    if (verdict === "fail") throw new Error(`sabotaged: ${command} ${args.join(" ")}`);
    return super.run(command, args, verdict);
  }
}
