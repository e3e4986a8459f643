// A traveler's lockout is also an alert for the alert rules: a locked account is its tenant's
// (that tenant's rules and the fleet's hear it, another tenant's do not); a caller refused
// across tenants is fleet-wide (fleet rules only). The rules are queued in the outbox; the
// lockout mail to the admins goes out as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerSource, LOCKOUT_POLICY, verifyTraveler } from "../src/travelers/verification.ts";
import { travelersFixture, type TravelersFixture } from "./kit/index.ts";

let f: TravelersFixture;
const rules: Record<string, string> = {};

beforeAll(async () => {
  f = await travelersFixture();
  const rule = (name: string, tenantId: string | null) =>
    f.prisma.alertRule.create({ data: { name, tenantId, kinds: ["traveler.locked_out"], channel: "EMAIL", email: `${name}@example.net` } });
  rules.own = (await rule("own", f.tenantId)).id;
  rules.other = (await rule("other", f.otherTenantId)).id;
  rules.fleet = (await rule("fleet", null)).id;
});
afterAll(async () => f?.close());

async function queuedFor(ruleId: string) {
  await f.ctx.background.drain();
  return f.prisma.alertDelivery.findMany({ where: { ruleId, kind: "traveler.locked_out" } });
}

describe("traveler lockouts as alerts", () => {
  it("a locked account is queued for its tenant's rule and the fleet rule, not another tenant's", async () => {
    const accountNumber = await f.accountOf(await f.traveler({ name: "Di Lock" }));
    for (let attempt = 0; attempt < LOCKOUT_POLICY.account.max; attempt += 1) {
      await verifyTraveler(f.ctx, { accountNumber, pin: "111111", source: callerSource(`100000009${String(attempt).padStart(2, "0")}`) });
    }
    const own = await queuedFor(rules.own ?? "");
    expect(own).toHaveLength(1);
    expect((own[0]?.payload as { text: string }).text).toContain(`traveler account ${accountNumber} (Di Lock) is locked`);
    expect(await queuedFor(rules.fleet ?? "")).toHaveLength(1);
    expect(await queuedFor(rules.other ?? "")).toHaveLength(0);
  });

  it("a caller refused fleet-wide is queued for the fleet rule only", async () => {
    const source = callerSource("10000000777");
    for (let attempt = 0; attempt < LOCKOUT_POLICY.source.max; attempt += 1) {
      await verifyTraveler(f.ctx, { accountNumber: `7999${attempt}`, pin: "111111", source });
    }
    const fleet = await queuedFor(rules.fleet ?? "");
    expect(fleet.map((delivery) => (delivery.payload as { text: string }).text)).toEqual(expect.arrayContaining([expect.stringContaining("refused fleet-wide")]));
    expect((await queuedFor(rules.own ?? "")).filter((delivery) => (delivery.payload as { text: string }).text.includes("fleet-wide"))).toHaveLength(0);
    expect(await queuedFor(rules.other ?? "")).toHaveLength(0);
  });
});
