// A hostile tenant admin probes custom-service ids: ids are unique across the fleet (entries and
// travelers name services by bare id), so creating one with another tenant's id used to answer
// "that id is already taken", confirming what Bravo calls its services. Now every taken id gets
// one answer, byte for byte, whoever owns it, and nothing is created.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { errorOf, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

const password = "a long enough password";

describe.each(testDatabaseKinds())("a tenant admin probing custom-service ids on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;
  let acmeToken: string;

  /** The whole HTTP answer to Acme's admin creating a service with `id`, byte for byte. */
  async function createAnswer(id: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${test.plane.url}/trpc/customServices.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acmeToken}` },
      body: JSON.stringify({ id, name: "Probe", protocol: "tcp", portFrom: 9000, portTo: 9000, tenantId: fleet.tenantA.id }),
    });
    return { status: response.status, body: await response.text() };
  }

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme admin", password, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeToken = (await test.client().auth.login.mutate({ email: "acme-admin@example.net", password })).token;
    acmeAdmin = test.client(acmeToken);
    await test.admin.customServices.create.mutate({ id: "bravo-crm", name: "Bravo CRM", protocol: "tcp", portFrom: 8443, portTo: 8443, tenantId: fleet.tenantB.id });
    await test.admin.customServices.create.mutate({ id: "fleet-fax", name: "Fax", protocol: "udp", portFrom: 9100, portTo: 9100 });
    await acmeAdmin.customServices.create.mutate({ id: "acme-own", name: "Acme's own", protocol: "udp", portFrom: 7000, portTo: 7000, tenantId: fleet.tenantA.id });
  });
  afterAll(async () => {
    await test.stop();
  });

  it("gets the same answer for another tenant's id, a fleet-wide one and their own, and nothing is created", async () => {
    const before = { services: await test.db.prisma.customService.count(), audit: await test.db.prisma.auditEvent.count() };
    const otherTenants = await createAnswer("bravo-crm");
    const fleetWide = await createAnswer("fleet-fax");
    const own = await createAnswer("acme-own");

    expect(otherTenants.status).toBe(409);
    expect(fleetWide).toEqual(otherTenants);
    expect(own).toEqual(otherTenants);
    for (const word of ["Bravo", "bravo", "taken", "tenant", "fleet", fleet.tenantB.id]) expect(otherTenants.body).not.toContain(word);
    const error = await errorOf(acmeAdmin.customServices.create.mutate({ id: "bravo-crm", name: "Probe", protocol: "tcp", portFrom: 1, portTo: 1, tenantId: fleet.tenantA.id }));
    expect(error).toEqual({ code: "CONFLICT", message: "that id cannot be used; choose another", field: "id" });
    expect({ services: await test.db.prisma.customService.count(), audit: await test.db.prisma.auditEvent.count() }).toEqual(before);
  });

  it("still sees none of Bravo's services, and a free id is theirs", async () => {
    const listed = JSON.stringify(await acmeAdmin.customServices.list.query({}));
    expect(listed).not.toContain("bravo-crm");
    expect(listed).toContain("fleet-fax");
    expect(await createAnswer("acme-crm")).toMatchObject({ status: 200 });
    const bravos = await test.db.prisma.customService.findUniqueOrThrow({ where: { id: "bravo-crm" } });
    expect(bravos).toMatchObject({ tenantId: fleet.tenantB.id, name: "Bravo CRM", portFrom: 8443 });
  });
});
