// Who is calling: account number + PIN, with lockouts strangers cannot use (docs/travelers.md,
// "Lockouts"; the rules are @gatehouse/core's lockout.ts). Failures count per account from one
// caller ID or web address (5 in 15 minutes), per account from every unknown source (20 in an
// hour: a 6-digit PIN cannot be guessed faster), and per caller ID or address across accounts
// (10 in an hour). A caller ID or address that verified this traveler before is held only by its
// own failures. Withheld caller IDs share one key, so they are never known and counted only
// under the account they tried (20 an hour, like every unknown source); instead, all withheld
// callers together may fail 30 times a minute, and the IVR gives them one try per call.
// Unknown account, wrong PIN, refused, locked and disabled accounts all get the same answer, so
// nothing tells whether an account exists.
import { accountSubject, isWithheldCallerId, lockoutSubjects, type FailureLimit, type GuessSource, type LockoutPolicy, type LockoutRefusal, type LockoutSubjects } from "@gatehouse/core";
import type { Traveler, Tx } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import { failureRows, failuresWithin, knownSourceOf, lockoutRefusalFor, rememberSource, type LockoutDb } from "../auth/lockout-store.ts";
import { alertOperators } from "./alerts.ts";
import type { TravelersContext } from "./context.ts";
import { pinMatches } from "./pin.ts";

export const LOCKOUT_POLICY = {
  pair: { max: 5, windowMs: 15 * 60_000 },
  account: { max: 20, windowMs: 60 * 60_000 },
  source: { max: 10, windowMs: 60 * 60_000 },
} as const satisfies LockoutPolicy;

/** Every withheld caller together: a flood slows them all for a minute, never for longer. */
export const WITHHELD_CALLERS_LIMIT: FailureLimit = { max: 30, windowMs: 60_000 };
const WITHHELD_SUBJECT = "pin|withheld-callers";

/** How long a caller ID or address that verified a traveler stays known. */
const KNOWN_TRAVELER_SOURCE_TTL_MS = 90 * 24 * 60 * 60_000;

export type TravelerVerification =
  | { ok: true; traveler: Traveler }
  | { ok: false; reason: "invalid" | "subject-blocked" };

export interface VerificationAttempt {
  accountNumber: string;
  pin: string;
  /** callerSource() for the IVR, webSource() for the traveler page. */
  source: GuessSource;
}

/** The IVR's source: the caller ID as normalised by normaliseCallerId. */
export function callerSource(callerId: string): GuessSource {
  return { key: `caller:${callerId}`, sharedByStrangers: isWithheldCallerId(callerId) };
}

export function webSource(address: string): GuessSource {
  return { key: `web:${address}`, sharedByStrangers: false };
}

export async function verifyTraveler(ctx: TravelersContext, attempt: VerificationAttempt): Promise<TravelerVerification> {
  const now = ctx.now();
  const { source } = attempt;
  const wellFormed = /^[0-9]{1,32}$/.test(attempt.accountNumber);
  const traveler = wellFormed ? await ctx.prisma.traveler.findUnique({ where: { accountNumber: attempt.accountNumber } }) : null;
  const known = !source.sharedByStrangers && traveler !== null && (await knownSourceOf(ctx.prisma, `traveler:${traveler.id}`, [source.key], now)) !== null;
  const subjects = lockoutSubjects("pin", wellFormed ? attempt.accountNumber : "malformed", source);
  const refusal = await refusalOf(ctx.prisma, subjects, source, known, now);
  if (refusal !== null) {
    await writeAuditEvents(ctx.prisma, [{ at: now, actor: "system", action: "traveler.login.refused", tenantId: traveler?.tenantId ?? null, targetType: traveler ? "traveler" : undefined, targetId: traveler?.id, after: { subject: source.key, refusal } }]);
    return { ok: false, reason: refusal === "source" ? "subject-blocked" : "invalid" };
  }

  // Always one argon2 verification, whether or not the account exists or is enabled.
  const matches = await pinMatches(traveler?.pinHash ?? null, attempt.pin);
  if (traveler && traveler.enabled && matches) {
    await ctx.prisma.$transaction(async (tx) => {
      if (subjects.pair !== null) {
        await tx.authFailure.deleteMany({ where: { subject: subjects.pair } });
        await rememberSource(tx, `traveler:${traveler.id}`, source.key, KNOWN_TRAVELER_SOURCE_TTL_MS, now);
      }
      await writeAuditEvents(tx, [{ at: now, actor: `traveler:${traveler.id}`, action: "traveler.login", tenantId: traveler.tenantId, targetType: "traveler", targetId: traveler.id, after: { via: source.key, knownSource: known } }]);
    });
    return { ok: true, traveler };
  }
  const why = !traveler ? "unknown-account" : !traveler.enabled ? "disabled" : "wrong-pin";
  await recordFailure(ctx, subjects, source, traveler, why, now);
  return { ok: false, reason: "invalid" };
}

/** Forget the failures counted against an account number (its PIN was just reset). */
export async function forgetPinFailures(tx: Tx, accountNumber: string): Promise<void> {
  const account = accountSubject("pin", accountNumber);
  await tx.authFailure.deleteMany({ where: { OR: [{ subject: account }, { subject: { startsWith: `${account}|` } }] } });
}

async function refusalOf(db: LockoutDb, subjects: LockoutSubjects, source: GuessSource, known: boolean, now: Date): Promise<LockoutRefusal | null> {
  const refusal = await lockoutRefusalFor(db, LOCKOUT_POLICY, subjects, known, now);
  if (refusal !== null || !source.sharedByStrangers) return refusal;
  const withheldFailures = await failuresWithin(db, WITHHELD_SUBJECT, WITHHELD_CALLERS_LIMIT.windowMs, now);
  return withheldFailures >= WITHHELD_CALLERS_LIMIT.max ? "source" : null;
}

async function recordFailure(ctx: TravelersContext, subjects: LockoutSubjects, source: GuessSource, traveler: Traveler | null, why: string, now: Date): Promise<void> {
  const tenantId = traveler?.tenantId ?? null;
  const rows = [...failureRows(subjects, now), ...(source.sharedByStrangers ? [{ subject: WITHHELD_SUBJECT, createdAt: now }] : [])];
  const outcome = await ctx.prisma.$transaction(async (tx) => {
    await tx.authFailure.createMany({ data: rows });
    await writeAuditEvents(tx, [{ at: now, actor: "system", action: "traveler.login.failed", tenantId, targetType: traveler ? "traveler" : undefined, targetId: traveler?.id, after: { subject: source.key, why } }]);
    const lockedUntil = traveler ? await lockWhenAccountLimitReached(tx, traveler, subjects, source, now) : null;
    const sourceFailures = subjects.source === null ? 0 : await failuresWithin(tx, subjects.source, LOCKOUT_POLICY.source.windowMs, now);
    const sourceBlockedNow = sourceFailures === LOCKOUT_POLICY.source.max;
    if (sourceBlockedNow) {
      await writeAuditEvents(tx, [{ at: now, actor: "system", action: "traveler.subject.blocked", tenantId, after: { subject: source.key, failures: sourceFailures } }]);
    }
    return { lockedUntil, sourceBlockedNow, sourceFailures };
  });
  if (outcome.lockedUntil && traveler) {
    alertOperators(ctx, tenantId, { kind: "account-locked", travelerName: traveler.name, accountNumber: traveler.accountNumber, until: outcome.lockedUntil, lastSubject: source.key });
  }
  if (outcome.sourceBlockedNow) {
    alertOperators(ctx, tenantId, { kind: "caller-blocked", subject: source.key, failures: outcome.sourceFailures, travelerName: traveler?.name ?? null });
  }
}

/**
 * When this failure is the one that reaches the account limit, the account is shut to unknown
 * callers and addresses (known ones still get in): lockedUntil shows operators until when.
 */
async function lockWhenAccountLimitReached(tx: Tx, traveler: Traveler, subjects: LockoutSubjects, source: GuessSource, now: Date): Promise<Date | null> {
  const failures = await failuresWithin(tx, subjects.account, LOCKOUT_POLICY.account.windowMs, now);
  if (failures !== LOCKOUT_POLICY.account.max) return null;
  const lockedUntil = new Date(now.getTime() + LOCKOUT_POLICY.account.windowMs);
  await tx.traveler.update({ where: { id: traveler.id }, data: { lockedUntil } });
  await writeAuditEvents(tx, [{ at: now, actor: "system", action: "traveler.locked", tenantId: traveler.tenantId, targetType: "traveler", targetId: traveler.id, after: { until: lockedUntil.toISOString(), lastSubject: source.key, failures } }]);
  return lockedUntil;
}
