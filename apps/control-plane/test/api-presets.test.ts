// Provider presets an MSP makes for itself, next to the shipped ones: hosts through the one source
// parser, services from the catalogue, a change reaching exactly the servers the preset is on for
// (one transaction with its audit event); shipped presets say where their hosts come from and can
// be neither changed nor deleted; a tenant admin can make, change or delete no preset, and custom
// services stay their tenant's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, revisions, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

const PASSWORD = "a long enough password";

describe("provider presets and custom services", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;

  beforeAll(async () => {
    test = await startUnderTest();
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password: PASSWORD, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("it@acme.example", PASSWORD);
  });
  afterAll(async () => {
    await test.stop();
  });

  const presetRows = () => test.db.prisma.providerPreset.findMany({ orderBy: { id: "asc" } });

  it("every shipped preset says where its hosts come from, host by host, and is built in", async () => {
    const presets = await acmeAdmin.presets.list.query({});
    const twilio = presets.find((preset) => preset.id === "twilio");
    expect(twilio).toMatchObject({ builtIn: true, sourceUrl: "https://www.twilio.com/docs/sip-trunking/ip-addresses" });
    expect(twilio?.hostOrigins[0]).toEqual({ host: "54.172.60.0/30", origin: "network" });
    const sip2sip = presets.find((preset) => preset.id === "sip2sip");
    expect(sip2sip?.hostOrigins.map((host) => host.origin)).toEqual(["dns", "srv"]);
    expect(presets.map((preset) => preset.name)).toEqual(expect.arrayContaining(["Telnyx", "Bandwidth", "Flowroute"]));
    for (const preset of presets) expect({ id: preset.id, sourced: Boolean(preset.sourceUrl && preset.sourceNote) }).toEqual({ id: preset.id, sourced: true });
  });

  it("an MSP admin's preset is parsed like any source, and a bad host or service changes nothing", async () => {
    const before = await presetRows();
    const badHost = await errorOf(test.admin.presets.create.mutate({ name: "Acme trunk", hosts: ["sip.trunk.example", "198.51.100.300"], services: ["sip"] }));
    expect(badHost).toMatchObject({ code: "BAD_REQUEST", field: "hosts" });
    expect(badHost.message).toMatch(/^host 2: 198\.51\.100\.300 is not an IPv4 address/);
    const broad = await errorOf(test.admin.presets.create.mutate({ name: "Acme trunk", hosts: ["0.0.0.0/0"], services: ["sip"] }));
    expect(broad.field).toBe("hosts");
    const badService = await errorOf(test.admin.presets.create.mutate({ name: "Acme trunk", hosts: ["198.51.100.7"], services: ["sip", "telnet"] }));
    expect(badService).toMatchObject({ code: "BAD_REQUEST", field: "services", message: "unknown service: telnet" });
    const taken = await errorOf(test.admin.presets.create.mutate({ name: "twilio elastic sip trunking", hosts: ["198.51.100.7"], services: ["sip"] }));
    expect(taken).toMatchObject({ code: "CONFLICT", field: "name" });
    expect(await presetRows()).toEqual(before);

    const made = await test.admin.presets.create.mutate({ name: "Acme trunk", hosts: [" SIP.Trunk.Example ", "198.51.100.0/28"], services: ["sip", "rtp"], sourceUrl: "https://trunk.example/ips", sourceNote: "the carrier's mail of 2026-11-30" });
    expect(made).toMatchObject({ builtIn: false, hosts: ["sip.trunk.example", "198.51.100.0/28"], hostOrigins: [{ host: "sip.trunk.example", origin: "dns" }, { host: "198.51.100.0/28", origin: "network" }] });
    const audit = await test.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "preset.created", targetId: made.id } });
    expect(audit.tenantId).toBeNull();
  });

  it("changing a preset that is switched on gives exactly its servers a new revision, with the new hosts in their state", async () => {
    const made = (await test.admin.presets.list.query({})).find((preset) => preset.name === "Acme trunk");
    if (!made) throw new Error("no Acme trunk preset");
    await test.admin.presets.enable.mutate({ presetId: made.id, serverId: fleet.serverA1 });
    const before = await revisions(test);
    await test.admin.presets.update.mutate({ presetId: made.id, hosts: ["sip2.trunk.example"] });
    const after = await revisions(test);
    expect(after[fleet.serverA1]).toBe((before[fleet.serverA1] ?? 0) + 1);
    expect([after[fleet.serverA2], after[fleet.serverB1]]).toEqual([before[fleet.serverA2], before[fleet.serverB1]]);
    const effective = await test.admin.rulesets.effective.query({ serverId: fleet.serverA1 });
    expect(JSON.stringify(effective.desiredState)).toContain("sip2.trunk.example");
    expect(JSON.stringify(effective.desiredState)).not.toContain("198.51.100.0/28");

    const deleted = await test.admin.presets.delete.mutate({ presetId: made.id });
    expect(deleted).toEqual({ deleted: true, name: "Acme trunk", switches: 1 });
    expect((await revisions(test))[fleet.serverA1]).toBe((after[fleet.serverA1] ?? 0) + 1);
    expect(JSON.stringify((await test.admin.rulesets.effective.query({ serverId: fleet.serverA1 })).desiredState)).not.toContain("sip2.trunk.example");
  });

  it("a shipped preset can be neither changed nor deleted, even by an MSP admin", async () => {
    const before = await presetRows();
    expect(await errorOf(test.admin.presets.update.mutate({ presetId: "twilio", hosts: ["45.0.0.0/8"] }))).toMatchObject({ code: "FORBIDDEN", field: "presetId" });
    expect(await errorOf(test.admin.presets.delete.mutate({ presetId: "twilio" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await presetRows()).toEqual(before);
  });

  it("a tenant admin can neither make, change nor delete a preset, not even one of the MSP's", async () => {
    const mine = await test.admin.presets.create.mutate({ name: "MSP trunk", hosts: ["198.51.100.9"], services: ["sip"] });
    const before = { presets: await presetRows(), revisions: await revisions(test) };
    // One at a time: a refused call never rejects unobserved while an earlier one is awaited.
    const attempts = [
      () => acmeAdmin.presets.create.mutate({ name: "Open door", hosts: ["45.0.0.0/8"], services: ["all"] }),
      () => acmeAdmin.presets.update.mutate({ presetId: mine.id, hosts: ["45.0.0.0/8"], services: ["all"] }),
      () => acmeAdmin.presets.update.mutate({ presetId: "voip-ms", hosts: ["45.0.0.0/8"] }),
      () => acmeAdmin.presets.delete.mutate({ presetId: mine.id }),
    ];
    for (const attempt of attempts) expect(await errorOf(attempt())).toMatchObject({ code: "FORBIDDEN", message: "only an MSP admin can do this" });
    expect({ presets: await presetRows(), revisions: await revisions(test) }).toEqual(before);
  });

  it("a tenant admin makes custom services for their tenant only, and never sees another tenant's", async () => {
    await test.admin.customServices.create.mutate({ id: "bravo-fax", name: "Bravo fax", protocol: "udp", portFrom: 9100, portTo: 9101, tenantId: fleet.tenantB.id });
    await test.admin.customServices.create.mutate({ id: "fleet-prov", name: "Provisioning", protocol: "tcp", portFrom: 8443, portTo: 8443 });
    const fleetWide = await errorOf(acmeAdmin.customServices.create.mutate({ id: "acme-open", name: "Open", protocol: "tcp", portFrom: 1, portTo: 65535 }));
    expect(fleetWide.code).toBe("FORBIDDEN");
    const intoBravo = await errorOf(acmeAdmin.customServices.create.mutate({ id: "acme-spy", name: "Spy", protocol: "tcp", portFrom: 22, portTo: 22, tenantId: fleet.tenantB.id }));
    expect(intoBravo.code).toBe("NOT_FOUND");
    await acmeAdmin.customServices.create.mutate({ id: "acme-pager", name: "Paging", protocol: "udp", portFrom: 5000, portTo: 5010, tenantId: fleet.tenantA.id });
    expect((await errorOf(acmeAdmin.customServices.list.query({ tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    const seen = (await acmeAdmin.customServices.list.query({})).customServices.map((service) => service.id);
    expect(seen).toEqual(["acme-pager", "fleet-prov"]);
    expect((await acmeAdmin.services.catalogue.query({})).custom.map((service) => service.id)).toEqual(["acme-pager", "fleet-prov"]);
    expect((await errorOf(acmeAdmin.customServices.delete.mutate({ customServiceId: "bravo-fax" }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.customServices.delete.mutate({ customServiceId: "fleet-prov" }))).code).toBe("FORBIDDEN");
    expect((await test.db.prisma.customService.findMany({ orderBy: { id: "asc" } })).map((service) => service.id)).toEqual(["acme-pager", "bravo-fax", "fleet-prov"]);
  });
});
