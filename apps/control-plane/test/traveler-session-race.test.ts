// A thief holds a traveler page session opened with a stolen PIN and presses "Allow this
// device" just as the operator resets the PIN. The request is already past the session check
// when the reset commits. Before, it still finished one grant: the session was checked once, at
// the door. Now the grant is written only while the session's credential version is current,
// inside the grant's own transaction, so the reset that commits first wins and nothing opens.
//
// The interleaving is made, not hoped for: the test holds the traveler's row (as the reset's
// transaction does), lets the request run into it, moves the credential version on exactly as
// a reset does (endTravelerAccess), and commits.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { endTravelerAccess } from "../src/travelers/access-end.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

const PIN = "135790";
const THIEF = "203.0.113.31";

const runs = requireCapability("page session race", { ok: Boolean(process.env.DATABASE_URL), reason: "needs DATABASE_URL: a second PostgreSQL connection holds the traveler's row" });

describe.runIf(runs)("a PIN reset that commits while a page request is under way", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;

  beforeAll(async () => {
    test = await startUnderTest("postgres", { env: { ALLOW_DOCUMENTATION_ADDRESSES: "true", TRUSTED_PROXIES: "127.0.0.1" }, extensions: [travelersExtension()] });
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("acme-admin@example.net", "a long enough password");
  });
  afterAll(async () => {
    await test?.stop();
  });

  async function post(path: string, form: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(`${test.plane.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": THIEF },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Connections of this database waiting for a row lock: the page request, once it reaches the grant. */
  async function waitingForALock(): Promise<boolean> {
    const [row] = await test.db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return (row?.n ?? 0) > 0;
  }

  it("does not let the request finish a grant with the old session", async () => {
    const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, pin: PIN, name: "Walker", email: "walker@road.example" });
    const login = await post("/traveler", { account: traveler.accountNumber, pin: PIN });
    const session = /name="session" value="([^"]+)"/.exec(login.text)?.[1] ?? "";
    expect(session).not.toBe("");

    let answer: { status: number; text: string } | undefined;
    await test.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Traveler" WHERE id = ${traveler.id} FOR UPDATE`;
        const request = post("/traveler/grants", { session, action: "allow", grant: "" }).then((reply) => (answer = reply));
        // Past the session check (a plain read, never held up) and at the grant, or finished.
        await vi.waitFor(async () => expect(answer !== undefined || (await waitingForALock()), "the page request reaches the traveler's row").toBe(true), 10_000);
        await endTravelerAccess(tx, traveler.id);
        void request;
      },
      { timeout: 20_000 },
    );
    await vi.waitFor(() => expect(answer, "the page request is answered").toBeDefined(), 10_000);

    expect(answer?.status).toBe(401);
    expect(answer?.text).toContain("Your session has ended. Enter your account number and PIN again.");
    expect(await test.db.prisma.travelerGrant.count({ where: { travelerId: traveler.id } })).toBe(0);
    expect(await test.db.prisma.allowEntry.count({ where: { source: THIEF } })).toBe(0);
  });

  it("a grant written before the reset stands, and the reset then ends the session", async () => {
    const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, pin: PIN, name: "Runner", email: "runner@road.example" });
    const login = await post("/traveler", { account: traveler.accountNumber, pin: PIN });
    const session = /name="session" value="([^"]+)"/.exec(login.text)?.[1] ?? "";
    expect((await post("/traveler/grants", { session, action: "allow", grant: "" })).text).toContain(`${THIEF} is allowed.`);
    await acmeAdmin.travelers.resetPin.mutate({ travelerId: traveler.id });
    const after = await post("/traveler/grants", { session, action: "allow", grant: "" });
    expect(after.status).toBe(401);
    expect(await test.db.prisma.travelerGrant.count({ where: { travelerId: traveler.id } })).toBe(1);
  });
});
