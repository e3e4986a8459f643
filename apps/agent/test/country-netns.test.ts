// Allowing SIP by country, on a real PBX: a control plane whose geo database is a small synthetic
// one in the real files' format (GEO_DATABASE_DIR) puts "caller" in Canada and "stranger" in
// Russia, and the real `gatehouse-agent` enforces `country:CA` for SIP on nftables and on
// iptables+ipset, beside an address entry giving the stranger SSH. Then the database is
// "upgraded" (a second folder, a new version, the stranger moved to Canada) and the plane
// restarted on it: the upgrade is audited, the agent asks for the new networks and lets the
// stranger in.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSyntheticGeoDatabase } from "@gatehouse/control-plane/testing";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import type { NetnsLab } from "@gatehouse/testkit/netns";
import { closeAgentHub } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { LabAgent, SIP, startLabPlane, type LabPlane } from "./lab-agent.ts";

const enabled = requireCapability("country netns", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));

const SSH = 22;
// NetnsLab numbers hosts in order: pbx .1 / ::1, caller .2 / ::2, stranger .3 / ::3.
const HOSTS = ["pbx", "caller", "stranger"];
const CALLER = { ipv4: "192.0.2.2", ipv6: "2001:db8::2" };
const STRANGER = { ipv4: "192.0.2.3", ipv6: "2001:db8::3" };

function placed(country: string, host: { ipv4: string; ipv6: string }) {
  return [
    { from: host.ipv4, to: host.ipv4, country },
    { from: host.ipv6, to: host.ipv6, country },
  ];
}

describe.runIf(enabled).each([
  { backend: "nftables", label: "cn" },
  { backend: "iptables", label: "ci" },
])("a country entry on a PBX kept by the $backend agent", ({ backend, label }) => {
  let geoDir: string;
  let plane: LabPlane;
  let lab: NetnsLab;
  let agent: LabAgent | undefined;
  const pbx = (address: string) => (address.includes(":") ? lab.host("pbx").ipv6 : lab.host("pbx").ipv4);

  beforeAll(async () => {
    geoDir = await mkdtemp(join(tmpdir(), `gatehouse-${label}-geo-`));
    await writeSyntheticGeoDatabase(join(geoDir, "v1"), { version: "synthetic-geo@1", country: [...placed("CA", CALLER), ...placed("RU", STRANGER)] });
    await writeSyntheticGeoDatabase(join(geoDir, "v2"), { version: "synthetic-geo@2", country: [...placed("CA", CALLER), ...placed("CA", STRANGER)] });
    plane = await startLabPlane({
      label,
      hosts: HOSTS,
      tenantName: `Countries ${backend}`,
      server: { name: "pbx-countries", primaryAdminSource: "203.0.113.10", mediaOpenToAll: false },
      env: { GEO_DATABASE_DIR: join(geoDir, "v1") },
    });
    lab = plane.lab;
    expect([lab.host("caller").ipv4, lab.host("stranger").ipv6]).toEqual([CALLER.ipv4, STRANGER.ipv6]);
    await lab.listenTcp("pbx", [SSH]);
    const scope = { kind: "SERVER" as const, serverId: plane.serverId };
    const added = await plane.admin.entries.add.mutate({ source: "country:ca", services: ["sip"], comment: "Canadian offices", scope });
    expect(added).toMatchObject({ source: "country:CA", kind: "country", warnings: [expect.stringContaining("country lists are never exact")] });
    await plane.admin.entries.add.mutate({ source: STRANGER.ipv4, services: ["ssh"], comment: "the stranger's admin", scope });
    agent = LabAgent.start(plane, backend, ["--heartbeat-timeout-seconds", "6", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000"]);
    await agent.untilApplied(plane);
  }, 90_000);

  afterAll(async () => {
    agent?.kill();
    await plane?.stop();
    if (geoDir) await rm(geoDir, { recursive: true, force: true });
  });

  it("lets the caller in Canada reach SIP over IPv4 and IPv6, and keeps the stranger in Russia out", async () => {
    await vi.waitFor(async () => expect(await lab.canConnect("caller", pbx(CALLER.ipv4), SIP), `the networks of CA reach the agent\n${agent?.log}`).toBe(true), 20_000);
    expect(await lab.canConnect("caller", pbx(CALLER.ipv6), SIP)).toBe(true);
    expect(await lab.canConnect("stranger", pbx(STRANGER.ipv4), SIP)).toBe(false);
    expect(await lab.canConnect("stranger", pbx(STRANGER.ipv6), SIP)).toBe(false);
    // Kept in the state directory, so a restart without the control plane enforces them at once.
    const kept = JSON.parse(await readFile(join(plane.stateDir, "countries", "synthetic-geo@1", "CA.json"), "utf8")) as { networks: string[] };
    expect(kept.networks.sort()).toEqual([CALLER.ipv4, CALLER.ipv6]);
  });

  it("keeps SSH to the address entry: the stranger's SSH works, the Canadian caller gets no SSH", async () => {
    expect(await lab.canConnect("stranger", pbx(STRANGER.ipv4), SSH)).toBe(true);
    expect(await lab.canConnect("caller", pbx(CALLER.ipv4), SSH)).toBe(false);
  });

  it("explains the caller as allowed by the country entry, as the kernel's sets say", async () => {
    const answer = await plane.admin.rulesets.explain.query({ serverId: plane.serverId, address: CALLER.ipv4 });
    expect(answer.explanation.allows).toContainEqual(expect.objectContaining({ kind: "entry", source: "country:CA", comment: "Canadian offices", services: ["sip"] }));
    expect(answer.live).toMatchObject({ status: "answered", agrees: true });
    const stranger = await plane.admin.rulesets.explain.query({ serverId: plane.serverId, address: STRANGER.ipv4 });
    expect(stranger.explanation.allows.map((allow) => ("source" in allow ? allow.source : allow.kind))).toEqual([STRANGER.ipv4]);
  });

  it("after a database upgrade moving the stranger to Canada, the upgrade is audited and the stranger is let in", async () => {
    const { revision: before } = await plane.test.db.prisma.server.findUniqueOrThrow({ where: { id: plane.serverId }, select: { revision: true } });
    await closeAgentHub(plane.test.plane.app);
    await plane.test.restart({ GEO_DATABASE_DIR: join(geoDir, "v2") });
    await vi.waitFor(async () => {
      const upgrades = await plane.test.db.prisma.auditEvent.findMany({ where: { action: "geo.upgraded" } });
      expect(upgrades.map((event) => [event.before, event.after])).toEqual([[{ version: "synthetic-geo@1" }, { version: "synthetic-geo@2" }]]);
    }, 10_000);
    const { revision: after } = await plane.test.db.prisma.server.findUniqueOrThrow({ where: { id: plane.serverId }, select: { revision: true } });
    expect(after).toBe(before + 1);
    await agent?.untilApplied(plane);
    await vi.waitFor(async () => expect(await lab.canConnect("stranger", pbx(STRANGER.ipv4), SIP), `the new networks of CA reach the agent\n${agent?.log}`).toBe(true), 20_000);
    expect(await lab.canConnect("stranger", pbx(STRANGER.ipv6), SIP)).toBe(true);
    expect(await lab.canConnect("caller", pbx(CALLER.ipv4), SIP)).toBe(true);
  });
});
