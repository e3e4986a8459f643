// The lockouts' storage (rules in @gatehouse/core lockout.ts): failures are AuthFailure rows,
// counted per subject over its window, and the sources an account signed in from are
// KnownSignInSource rows. Both live in the database rather than in process memory, so every
// control-plane replica sees the same counts and a restart does not reset an attacker's
// budget. Two concurrent guesses may both pass the check before either is counted: the limit
// is approximate by the number of requests in flight, which does not change what guessing buys.
import { lockoutRefusal, type LockoutPolicy, type LockoutRefusal, type LockoutSubjects } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";

/** A client or a transaction: both have the two tables. */
export type LockoutDb = Pick<PrismaClient, "authFailure" | "knownSignInSource">;

export async function lockoutRefusalFor(db: LockoutDb, policy: LockoutPolicy, subjects: LockoutSubjects, knownSource: boolean, now: Date): Promise<LockoutRefusal | null> {
  const count = (subject: string | null, windowMs: number) =>
    subject === null ? Promise.resolve(0) : db.authFailure.count({ where: { subject, createdAt: { gt: new Date(now.getTime() - windowMs) } } });
  const [pair, account, source] = await Promise.all([
    count(subjects.pair, policy.pair.windowMs),
    count(subjects.account, policy.account.windowMs),
    count(subjects.source, policy.source.windowMs),
  ]);
  return lockoutRefusal({ pair, account, source }, knownSource, policy);
}

/** One row per counter the failure counts under. */
export function failureRows(subjects: LockoutSubjects, now: Date): Array<{ subject: string; createdAt: Date }> {
  return [subjects.pair, subjects.account, subjects.source].filter((subject): subject is string => subject !== null).map((subject) => ({ subject, createdAt: now }));
}

/** The failures under `subject` within `windowMs` (after they were recorded). */
export function failuresWithin(db: LockoutDb, subject: string, windowMs: number, now: Date): Promise<number> {
  return db.authFailure.count({ where: { subject, createdAt: { gt: new Date(now.getTime() - windowMs) } } });
}

/** The first of `sources` the account signed in from before (and still remembers), or null. */
export async function knownSourceOf(db: LockoutDb, account: string | null, sources: readonly string[], now: Date): Promise<string | null> {
  if (account === null || sources.length === 0) return null;
  const rows = await db.knownSignInSource.findMany({ where: { account, source: { in: [...sources] }, expiresAt: { gt: now } }, select: { source: true } });
  const known = new Set(rows.map((row) => row.source));
  return sources.find((source) => known.has(source)) ?? null;
}

/** Remember (or refresh) a source the account just signed in from. */
export function rememberSource(db: LockoutDb, account: string, source: string, ttlMs: number, now: Date) {
  const expiresAt = new Date(now.getTime() + ttlMs);
  return db.knownSignInSource.upsert({
    where: { account_source: { account, source } },
    create: { account, source, lastSeenAt: now, expiresAt },
    update: { lastSeenAt: now, expiresAt },
  });
}
