// The namespace suites' common ground: a lab of hosts with SIP listening on "pbx", a real control
// plane with its hub, one enrolled server, and the real `gatehouse-agent` process enforcing that
// server inside the "pbx" namespace. Each suite adds its own entries, agent flags and stories.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, vi } from "vitest";
import { startUnderTest, type Api, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { agentHubExtension } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { AGENT_BIN, runAgentCommand } from "./agent-process.ts";

export const SIP = 5060;

export interface LabPlaneOptions {
  /** NetnsLab's short label (namespace names). */
  label: string;
  hosts: string[];
  tenantName: string;
  server: { name: string; primaryAdminSource: string; mediaOpenToAll?: boolean };
  /** The plane's settings besides the test kit's (e.g. GEO_DATABASE_DIR). */
  env?: Record<string, string>;
}

export interface LabPlane {
  lab: NetnsLab;
  test: PlaneUnderTest;
  admin: Api;
  serverId: string;
  /** The enrolled agent's state directory. */
  stateDir: string;
  stop(): Promise<void>;
}

/** The lab, the plane and the server, enrolled by the real agent's `enroll` (no agent runs yet). */
export async function startLabPlane(options: LabPlaneOptions): Promise<LabPlane> {
  const lab = await NetnsLab.create({ label: options.label, hosts: options.hosts });
  await lab.listenTcp("pbx", [SIP]);
  const test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions: [agentHubExtension({ heartbeatIntervalMs: 2000 })], ...(options.env ? { env: options.env } : {}) });
  const stateDir = await mkdtemp(join(tmpdir(), `gatehouse-${options.label}-`));
  const stop = async () => {
    await lab.destroy();
    await test.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  const tenant = await test.admin.tenants.create.mutate({ name: options.tenantName });
  const created = await test.admin.servers.create.mutate({ tenantId: tenant.id, ...options.server });
  const enrolled = await runAgentCommand(["--state-dir", stateDir, "enroll", "--url", test.plane.url, "--token", created.enrollment.token]);
  expect(enrolled, enrolled.output).toMatchObject({ code: 0 });
  return { lab, test, admin: test.admin, serverId: created.server.id, stateDir, stop };
}

/** `gatehouse-agent run` for the plane's server in the "pbx" namespace, its output kept. */
export class LabAgent {
  log = "";

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.log += chunk.toString()));
  }

  static start(plane: LabPlane, backend: string, flags: string[]): LabAgent {
    const args = [AGENT_BIN, "--state-dir", plane.stateDir, "run", "--backend", backend, "--netns", plane.lab.host("pbx").netns, ...flags];
    return new LabAgent(spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } }));
  }

  /** Until fleet status says the agent applied the server's current revision. */
  async untilApplied(plane: LabPlane): Promise<void> {
    const { revision } = await plane.test.db.prisma.server.findUniqueOrThrow({ where: { id: plane.serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await plane.admin.fleet.server.query({ serverId: plane.serverId })).appliedRevision, `the agent applies revision ${revision}\n${this.log}`).toBe(revision), 30_000);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    if (process.env.AGENT_E2E_LOG) console.log(this.log);
  }
}
