// The audit log reads like what happened: names instead of ids, a sentence per event, the
// changed fields of before/after, and a CSV export a spreadsheet cannot be tricked by.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCsv, csvCell } from "../src/services/audit-csv.ts";
import { fieldChanges } from "../src/services/audit-summary.ts";
import { ADMIN_EMAIL, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe("a readable audit log", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let adminB: Api;

  beforeAll(async () => {
    test = await startUnderTest();
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "b-admin@example.net", name: "Bea", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantB.id });
    adminB = await test.signIn("b-admin@example.net", "a long enough password");
  });
  afterAll(() => test?.stop());

  it("says who allowed which address for what, on which server, with a link to it", async () => {
    const entry = await test.admin.entries.add.mutate({ source: "203.0.113.7", services: ["sip", "rtp"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const { events } = await test.admin.audit.list.query({ targetId: entry.id });
    expect(events[0]).toMatchObject({
      action: "entry.created",
      summary: "allowed 203.0.113.7 for RTP, SIP on pbx-a1",
      actorName: expect.stringContaining(ADMIN_EMAIL),
      tenantName: "Acme",
      targetName: "203.0.113.7 on pbx-a1",
      link: { page: "server", serverId: fleet.serverA1 },
    });
    expect(events[0]?.changes).toEqual(expect.arrayContaining([{ field: "source", before: null, after: "203.0.113.7" }]));

    await test.admin.entries.remove.mutate({ entryId: entry.id });
    const removed = (await test.admin.audit.list.query({ targetId: entry.id, action: "entry.removed" })).events[0];
    expect(removed?.summary).toBe("removed 203.0.113.7 (RTP, SIP) from pbx-a1");
  });

  it("names tenant-wide entries and servers by name, also after they are renamed or gone", async () => {
    await test.admin.entries.add.mutate({ source: "198.51.100.0/28", services: ["all"], scope: { kind: "TENANT", tenantId: fleet.tenantB.id } });
    const { events } = await test.admin.audit.list.query({ action: "entry.created", tenantId: fleet.tenantB.id });
    expect(events[0]?.summary).toBe("allowed 198.51.100.0/28 for all services on every server of Bravo");
    const { events: servers } = await test.admin.audit.list.query({ targetId: fleet.serverA2 });
    expect(servers[0]).toMatchObject({ summary: "created server pbx-a2", targetName: "pbx-a2" });
  });

  it("exports CSV with names, and formulas typed by users stay text", async () => {
    const hostile = await test.admin.tenants.create.mutate({ name: '=HYPERLINK("http://evil.example","x")' });
    await test.admin.servers.create.mutate({ tenantId: hostile.id, name: "pbx-evil" });
    const { csv, rows, truncated } = await test.admin.audit.exportCsv.query({ tenantId: hostile.id });
    expect(truncated).toBe(false);
    expect(rows).toBe(2);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe('"at","actor","actor id","action","tenant","target type","target","target id","summary","changes","event id"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).not.toMatch(/(^|,)"=/m);
    expect(csv).toContain('"created server pbx-evil"');
  });

  it("a tenant's admin exports their tenant's events only", async () => {
    const { csv } = await adminB.audit.exportCsv.query();
    expect(csv).toContain("Bravo");
    expect(csv).not.toContain("pbx-a1");
    expect(csv).not.toContain("Acme");
  });
});

describe("audit cells and changes", () => {
  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])("%j is prefixed with a quote", (value) => {
    expect(csvCell(value)).toBe(`"'${value}"`);
  });

  it("plain text and quotes survive", () => {
    expect(csvCell('pbx "one", nyc')).toBe('"pbx ""one"", nyc"');
    expect(auditCsv([]).split("\r\n")).toHaveLength(2);
  });

  it("lists only the fields that changed", () => {
    expect(fieldChanges({ services: ["sip"], comment: "office" }, { services: ["sip", "rtp"], comment: "office" })).toEqual([{ field: "services", before: '["sip"]', after: '["sip","rtp"]' }]);
  });
});
