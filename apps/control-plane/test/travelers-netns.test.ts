// End to end, as root in network namespaces: a PBX namespace whose firewall a real agent
// (AgentRuntime with the iptables backend, commands run inside the namespace) keeps in sync
// with the real control plane. Before the traveler calls, their SIP connection is dropped;
// after the IVR conversation confirms, it connects; after the grant expires (the test moves
// the clock and runs the sweeper), it is dropped again. A stranger is dropped throughout.
// Documentation addresses only; the root namespace's firewall is never touched.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { FqdnResolver } from "../../agent/src/dns/fqdn-resolver.ts";
import { CommandRunner, IptablesBackend } from "../../agent/src/firewall/index.ts";
import { saveAgentConfig, statePaths } from "../../agent/src/state/state-dir.ts";
import { AgentRuntime } from "../../agent/src/sync/agent-runtime.ts";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { createLogger } from "../src/logger.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { startUnderTest, type PlaneUnderTest } from "./kit/index.ts";
import { placeAsteriskCall } from "./ivr-asterisk.ts";

const enabled = requireCapability("travelers netns", netnsCapability(["iptables", "ipset"]));
const SECRET = "netns-test-agi-secret-0123456789";
const SIP_PORT = 5060;

describe.skipIf(!enabled)("a traveler's call opens the PBX's SIP port to them, until the grant expires", () => {
  let lab: NetnsLab;
  let test: PlaneUnderTest;
  let agent: AgentRuntime;
  let stateDir: string;
  let serverId: string;
  let accountNumber: string;

  const applied = async () => (await test.db.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).appliedRevision ?? 0;
  const revision = async () => (await test.db.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).revision;
  async function agentCaughtUp(): Promise<void> {
    const wanted = await revision();
    for (let attempt = 0; attempt < 500 && (await applied()) < wanted; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await applied()).toBeGreaterThanOrEqual(wanted);
  }

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "trv", hosts: ["pbx", "traveler", "stranger"] });
    await lab.listenTcp("pbx", [SIP_PORT]);
    test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
      env: { AGI_SECRET: SECRET, AGI_ALLOWED_ADDRESSES: "127.0.0.1", AGI_HOST: "127.0.0.1", AGI_PORT: "0", ALLOW_DOCUMENTATION_ADDRESSES: "true" },
      travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
      extensions: [agentHubExtension(), travelersExtension()],
    });
    const tenant = await test.db.prisma.tenant.create({ data: { name: "Road warriors" } });
    const credential = randomBytes(32).toString("base64url");
    const server = await test.db.prisma.server.create({
      data: { tenantId: tenant.id, name: "pbx-ns", primaryAdminSource: "198.51.100.1", agentCredentialHash: createHash("sha256").update(credential).digest("hex") },
    });
    serverId = server.id;
    const { traveler: ann } = await test.admin.travelers.create.mutate({ tenantId: tenant.id, pin: "135790", name: "Ann Road", email: "ann@road.example", services: ["sip"], grantLifetimeHours: 1 });
    accountNumber = ann.accountNumber;

    stateDir = await mkdtemp(join(tmpdir(), "gh-travelers-netns-"));
    const paths = statePaths(stateDir);
    const config = { url: test.plane.url, serverId, credential };
    await saveAgentConfig(paths, config);
    agent = new AgentRuntime({
      config,
      paths,
      backend: new IptablesBackend({ runner: new CommandRunner({ netns: lab.host("pbx").netns }) }),
      lookup: new FqdnResolver({ servers: ["127.0.0.1"], timeoutMs: 200, tries: 1 }),
      logger: createLogger("silent"),
      commitConfirmMs: 0,
      driftIntervalMs: 60_000,
      heartbeatTimeoutMs: 30_000,
      ttlClamp: { minSeconds: 30, maxSeconds: 3600 },
      backoff: { baseMs: 50, capMs: 500 },
    });
    await agent.start();
    await agentCaughtUp();
  });

  afterAll(async () => {
    await agent?.stop();
    await test?.stop();
    await lab?.destroy();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("dropped before, connects after the call confirms, dropped again after expiry", async () => {
    const pbx = lab.host("pbx").ipv4;
    const traveler = lab.host("traveler").ipv4;
    expect(await lab.canConnect("traveler", pbx, SIP_PORT)).toBe(false);

    const call = await placeAsteriskCall({
      port: test.plane.app.fastAgiPort ?? 0,
      secret: SECRET,
      keypad: [`${accountNumber}#`, "135790#", `${traveler.replaceAll(".", "*")}#`, "1#"],
    });
    expect(call.prompts).toContain("granted-until");
    await agentCaughtUp();
    expect(await lab.canConnect("traveler", pbx, SIP_PORT)).toBe(true);
    expect(await lab.canConnect("stranger", pbx, SIP_PORT)).toBe(false);

    test.clock.advance(3_600_000 + 1);
    await test.plane.sweeper.sweepNow();
    await agentCaughtUp();
    expect(await lab.canConnect("traveler", pbx, SIP_PORT)).toBe(false);
  });
});
