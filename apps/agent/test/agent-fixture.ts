// Shared set-up for the agent's tests: a temporary state directory enrolled with a FakeHub,
// a FakeBackend, a real DNS server, and short intervals so the promises show quickly.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { DesiredState } from "@gatehouse/core";
import { FqdnResolver } from "../src/dns/fqdn-resolver.ts";
import { saveAgentConfig, statePaths, type StatePaths } from "../src/state/state-dir.ts";
import { AgentRuntime, type AgentRuntimeOptions } from "../src/sync/agent-runtime.ts";
import { FakeBackend } from "./fake-backend.ts";
import type { FakeHub } from "./fake-hub.ts";
import type { TestDnsServer } from "./dns-server.ts";

export const SERVER_ID = "srv-test-1";

export function desiredState(entries: DesiredState["entries"], primaryAdmin: string | null = "198.51.100.1"): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8"], primaryAdmin },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }] }],
    entries,
  };
}

export const ip = (source: string): DesiredState["entries"][number] => ({ source, kind: "ip", services: ["sip"] });
export const fqdn = (source: string): DesiredState["entries"][number] => ({ source, kind: "fqdn", services: ["sip"] });

export async function tempStateDir(): Promise<{ paths: StatePaths; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-agent-"));
  return { paths: statePaths(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface AgentUnderTest {
  runtime: AgentRuntime;
  backend: FakeBackend;
  paths: StatePaths;
}

export async function makeAgent(
  paths: StatePaths,
  hub: { url: string; credential: string },
  dns: TestDnsServer | { address: string },
  overrides: Partial<AgentRuntimeOptions> = {},
): Promise<AgentUnderTest> {
  const config = { url: hub.url, serverId: SERVER_ID, credential: hub.credential };
  await saveAgentConfig(paths, config);
  const backend = new FakeBackend();
  const runtime = new AgentRuntime({
    config,
    paths,
    backend,
    lookup: new FqdnResolver({ servers: [dns.address], timeoutMs: 200, tries: 1 }),
    logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
    commitConfirmMs: 0,
    driftIntervalMs: 100,
    heartbeatTimeoutMs: 5000,
    ttlClamp: { minSeconds: 0.2, maxSeconds: 60 },
    backoff: { baseMs: 20, capMs: 200 },
    ...overrides,
  });
  return { runtime, backend, paths };
}

export function hubAt(hub: FakeHub): { url: string; credential: string } {
  return { url: hub.url, credential: hub.credential };
}
