// Who is calling: account number + PIN, with the lockouts that stop guessing.
// - 5 wrong PINs lock an account for 15 minutes (the right PIN is refused while locked);
// - 10 failures within an hour from one caller ID (or one web address) refuse that subject.
// Unknown account, wrong PIN, locked and disabled accounts all get the same answer and take the
// same time (argon2 runs against a dummy hash), so nothing tells whether an account exists.
import type { Traveler } from "@gatehouse/db";
import { alertOperators } from "./alerts.ts";
import { audit, type TravelersContext } from "./context.ts";
import { pinMatches } from "./pin.ts";

export const LOCKOUT_POLICY = {
  accountFailures: 5,
  accountLockMs: 15 * 60_000,
  subjectFailures: 10,
  subjectWindowMs: 60 * 60_000,
} as const;

export type TravelerVerification =
  | { ok: true; traveler: Traveler }
  | { ok: false; reason: "invalid" | "subject-blocked" };

export interface VerificationAttempt {
  accountNumber: string;
  pin: string;
  /** "caller:<caller id>" for the IVR, "web:<address>" for the link page. */
  subject: string;
}

export async function verifyTraveler(ctx: TravelersContext, attempt: VerificationAttempt): Promise<TravelerVerification> {
  const now = ctx.now();
  if ((await recentFailures(ctx, attempt.subject, now)) >= LOCKOUT_POLICY.subjectFailures) {
    return { ok: false, reason: "subject-blocked" };
  }
  const traveler = /^[0-9]{1,32}$/.test(attempt.accountNumber)
    ? await ctx.prisma.traveler.findUnique({ where: { accountNumber: attempt.accountNumber } })
    : null;
  const matches = await pinMatches(traveler?.pinHash ?? null, attempt.pin);
  const locked = traveler?.lockedUntil != null && traveler.lockedUntil > now;
  if (traveler && traveler.enabled && !locked && matches) {
    await ctx.prisma.$transaction(async (tx) => {
      await tx.traveler.update({ where: { id: traveler.id }, data: { failedPinCount: 0, lockedUntil: null } });
      await audit(tx, { actor: `traveler:${traveler.id}`, action: "traveler.login", tenantId: traveler.tenantId, targetType: "traveler", targetId: traveler.id, after: { via: attempt.subject } }, now);
    });
    return { ok: true, traveler };
  }
  const why = !traveler ? "unknown-account" : !traveler.enabled ? "disabled" : locked ? "locked" : "wrong-pin";
  await recordFailure(ctx, attempt.subject, traveler, why, now);
  return { ok: false, reason: "invalid" };
}

/** Whether `subject` is refused right now (used by the link page before it shows a form). */
export async function isSubjectBlocked(ctx: TravelersContext, subject: string): Promise<boolean> {
  return (await recentFailures(ctx, subject, ctx.now())) >= LOCKOUT_POLICY.subjectFailures;
}

function recentFailures(ctx: TravelersContext, subject: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - LOCKOUT_POLICY.subjectWindowMs);
  return ctx.prisma.authFailure.count({ where: { subject, createdAt: { gt: since } } });
}

async function recordFailure(
  ctx: TravelersContext,
  subject: string,
  traveler: Traveler | null,
  why: string,
  now: Date,
): Promise<void> {
  const tenantId = traveler?.tenantId ?? null;
  const countsAgainstAccount = traveler !== null && why === "wrong-pin";
  const outcome = await ctx.prisma.$transaction(async (tx) => {
    await tx.authFailure.create({ data: { subject, createdAt: now } });
    await audit(tx, { actor: "system", action: "traveler.login.failed", tenantId, targetType: traveler ? "traveler" : undefined, targetId: traveler?.id, after: { subject, why } }, now);
    let lockedUntil: Date | null = null;
    if (countsAgainstAccount) {
      const updated = await tx.traveler.update({ where: { id: traveler.id }, data: { failedPinCount: { increment: 1 } } });
      if (updated.failedPinCount >= LOCKOUT_POLICY.accountFailures) {
        lockedUntil = new Date(now.getTime() + LOCKOUT_POLICY.accountLockMs);
        await tx.traveler.update({ where: { id: traveler.id }, data: { failedPinCount: 0, lockedUntil } });
        await audit(tx, { actor: "system", action: "traveler.locked", tenantId, targetType: "traveler", targetId: traveler.id, after: { until: lockedUntil.toISOString(), lastSubject: subject } }, now);
      }
    }
    const since = new Date(now.getTime() - LOCKOUT_POLICY.subjectWindowMs);
    const subjectFailures = await tx.authFailure.count({ where: { subject, createdAt: { gt: since } } });
    const subjectBlockedNow = subjectFailures === LOCKOUT_POLICY.subjectFailures;
    if (subjectBlockedNow) {
      await audit(tx, { actor: "system", action: "traveler.subject.blocked", tenantId, after: { subject, failures: subjectFailures } }, now);
    }
    return { lockedUntil, subjectBlockedNow, subjectFailures };
  });
  if (outcome.lockedUntil && traveler) {
    alertOperators(ctx, tenantId, { kind: "account-locked", travelerName: traveler.name, accountNumber: traveler.accountNumber, until: outcome.lockedUntil, lastSubject: subject });
  }
  if (outcome.subjectBlockedNow) {
    alertOperators(ctx, tenantId, { kind: "caller-blocked", subject, failures: outcome.subjectFailures, travelerName: traveler?.name ?? null });
  }
}
