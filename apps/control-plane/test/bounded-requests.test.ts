// A signed-in viewer tries to stall the control plane: batched GETs of
// hundreds of `audit.list` calls, four at once, pages as large as they can ask for, and more
// calls in flight than anyone needs. Each is bounded: oversized batches are refused whole
// before any call runs, a page has a hard maximum, and one operator's calls beyond a small
// queue are refused while everyone else, /healthz included, is still answered.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { OPERATOR_CALLS_RUNNING, OPERATOR_CALLS_WAITING } from "../src/api/operator-concurrency.ts";
import { AUDIT_PAGE_MAX, AUDIT_PAGE_SNAPSHOT_BYTES } from "../src/services/page-budget.ts";
import { API_MAX_BATCH_CALLS } from "../src/http/request-limits.ts";
import { errorOf, seedFleet, startUnderTest, type Api, type PlaneUnderTest } from "./kit/index.ts";

const VIEWER = { email: "vera@example.net", password: "vera's long password" };
const AUDIT_EVENTS = 300;

interface BatchAnswer {
  status: number;
  /** The error code of each call (or of the whole batch), "OK" for a result. */
  codes: string[];
}

const runs = requireCapability("bounded requests", { ok: Boolean(process.env.DATABASE_URL), reason: "needs DATABASE_URL: a PostgreSQL table lock holds calls in flight" });

describe.runIf(runs)("a viewer who tries to stall the control plane", () => {
  let test: PlaneUnderTest;
  let viewer: Api;
  let viewerToken: string;
  let viewerId: string;
  let tenantId: string;

  /** One batched GET of `calls` audit.list calls, each with `input`, as the viewer. */
  async function auditBatch(calls: number, input: Record<string, unknown> = {}): Promise<BatchAnswer> {
    const paths = Array.from({ length: calls }, () => "audit.list").join(",");
    const inputs = Object.fromEntries(Array.from({ length: calls }, (_, i) => [String(i), input]));
    const response = await fetch(`${test.plane.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`, { headers: { authorization: `Bearer ${viewerToken}` } });
    const body: unknown = await response.json();
    const answers = (Array.isArray(body) ? body : [body]) as { error?: { data?: { code?: string } } }[];
    return { status: response.status, codes: answers.map((answer) => answer.error?.data?.code ?? "OK") };
  }

  async function healthz(): Promise<number> {
    return (await fetch(`${test.plane.url}/healthz`)).status;
  }

  async function auditCallsCounted(): Promise<number> {
    const metric = await test.plane.app.metrics.getSingleMetric("gatehouse_api_calls_total")?.get();
    return (metric?.values ?? []).filter((value) => value.labels.path === "audit.list").reduce((sum, value) => sum + value.value, 0);
  }

  beforeAll(async () => {
    test = await startUnderTest("postgres");
    const fleet = await seedFleet(test.admin);
    tenantId = fleet.tenantA.id;
    viewerId = (await test.admin.operators.create.mutate({ ...VIEWER, name: "Vera", role: "VIEWER", tenantId })).id;
    viewerToken = (await test.client().auth.login.mutate(VIEWER)).token;
    viewer = test.client(viewerToken);
    await test.db.prisma.auditEvent.createMany({
      data: Array.from({ length: AUDIT_EVENTS }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actor: "system", action: "traveler.updated", tenantId, targetType: "traveler", targetId: `t-${i}` })),
    });
  });

  afterAll(async () => {
    await test?.stop();
  });

  it("is refused a batch of 250 audit.list calls whole, with BAD_REQUEST, before any of them runs", async () => {
    const before = await auditCallsCounted();
    const answer = await auditBatch(250);
    expect(answer.status).toBe(400);
    expect(answer.codes.length).toBeGreaterThan(0);
    expect(new Set(answer.codes)).toEqual(new Set(["BAD_REQUEST"]));
    expect(await auditCallsCounted()).toBe(before);
  });

  it("still gets a batch at the cap answered, like the console's", async () => {
    const answer = await auditBatch(API_MAX_BATCH_CALLS);
    expect(answer.status).toBe(200);
    expect(answer.codes).toEqual(Array.from({ length: API_MAX_BATCH_CALLS }, () => "OK"));
    expect((await auditBatch(API_MAX_BATCH_CALLS + 1)).codes).toContain("BAD_REQUEST");
  });

  it("cannot keep /healthz from answering with four attackers sending oversized batches at once", async () => {
    const attacker = async (): Promise<BatchAnswer[]> => {
      const answers: BatchAnswer[] = [];
      for (let round = 0; round < 5; round += 1) answers.push(await auditBatch(250));
      return answers;
    };
    const prober = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let probe = 0; probe < 10; probe += 1) statuses.push(await healthz());
      return statuses;
    };
    const [health, ...attacks] = await Promise.all([prober(), attacker(), attacker(), attacker(), attacker()]);
    expect(health).toEqual(Array.from({ length: 10 }, () => 200));
    expect(attacks.flat().map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 400));
  });

  it(`cannot ask for an audit page of more than ${AUDIT_PAGE_MAX} events, and pages on through the rest`, async () => {
    expect((await errorOf(viewer.audit.list.query({ limit: AUDIT_PAGE_MAX + 1 }))).code).toBe("BAD_REQUEST");
    const first = await viewer.audit.list.query({});
    expect(first.events).toHaveLength(AUDIT_PAGE_MAX);
    expect(first.nextCursor).not.toBeNull();
    const second = await viewer.audit.list.query({ cursor: first.nextCursor ?? undefined });
    expect(second.events[0]?.id).not.toBe(first.events[0]?.id);
  });

  it("gets fewer events on a page when their snapshots are large, and the cursor continues after the last one", async () => {
    const huge = { scopeServerIds: Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`) };
    const at = new Date(Date.UTC(2027, 0, 1));
    await test.db.prisma.auditEvent.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ at: new Date(at.getTime() + i * 1000), actor: "system", action: "traveler.updated", tenantId, targetType: "traveler", targetId: `huge-${i}`, before: huge, after: huge })),
    });
    const page = await viewer.audit.list.query({ action: "traveler.updated", from: at.toISOString() });
    const bytes = page.events.reduce((sum, event) => sum + JSON.stringify(event.before).length + JSON.stringify(event.after).length, 0);
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.length).toBeLessThan(20);
    expect(bytes).toBeLessThanOrEqual(AUDIT_PAGE_SNAPSHOT_BYTES);
    const rest = await viewer.audit.list.query({ action: "traveler.updated", from: at.toISOString(), cursor: page.nextCursor ?? undefined });
    const seen = [...page.events, ...rest.events].map((event) => event.targetId);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("has calls beyond those in hand refused with TOO_MANY_REQUESTS, while other operators and /healthz are answered", async () => {
    const inHand = OPERATOR_CALLS_RUNNING + OPERATOR_CALLS_WAITING;
    const limit = test.plane.app.operatorCalls;
    // The audit table is locked, so the viewer's calls stay in flight until we let go.
    const lock = await lockTable("AuditEvent");
    let held: Promise<BatchAnswer[]> | undefined;
    try {
      held = Promise.all(Array.from({ length: inHand / API_MAX_BATCH_CALLS }, () => auditBatch(API_MAX_BATCH_CALLS)));
      await vi.waitFor(() => expect(limit.inHand(viewerId)).toBe(inHand), 5_000);

      const refused = await errorOf(viewer.tenants.list.query());
      expect(refused.code).toBe("TOO_MANY_REQUESTS");
      expect(refused.message).toContain("wait for their answers before sending more");
      expect((await test.admin.tenants.list.query()).tenants.length).toBe(2);
      expect(await healthz()).toBe(200);
    } finally {
      await lock.release();
    }
    const answers = await held;
    expect(answers.flatMap((answer) => answer.codes)).toEqual(Array.from({ length: inHand }, () => "OK"));
    expect(limit.inHand(viewerId)).toBe(0);
    expect((await viewer.tenants.list.query()).tenants.map((tenant) => tenant.id)).toEqual([tenantId]);
  });

  /** Holds an exclusive lock on `table` in a transaction of its own until released. */
  async function lockTable(table: string): Promise<{ release(): Promise<void> }> {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = (): void => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = test.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      },
      { timeout: 60_000 },
    );
    await Promise.race([isLocked, transaction]);
    return { release: () => (release(), transaction) };
  }
});
