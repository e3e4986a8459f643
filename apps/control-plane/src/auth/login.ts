// Signing in: e-mail + password -> a session secret (returned once, stored as SHA-256).
//
// Failed attempts are counted in the AuthFailure table (subjects "login:<email>" and
// "login-address:<address>") rather than in process memory (rate-limiter-flexible's memory
// store): the count is shared by every control-plane replica on one database, survives a
// restart (crashing the process does not reset an attacker's budget), and the table with its
// (subject, createdAt) index already exists for the traveler PIN lockout. Two concurrent
// guesses may both pass the check before either is counted; the limit is approximate by at most
// the number of requests in flight, which does not change what a brute force can achieve.
import { GatehouseError } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import type { Actor } from "./authenticate.ts";
import { passwordMatches } from "./passwords.ts";
import { newSecret, sha256Hex } from "./secrets.ts";

export interface LoginPolicy {
  maxFailuresPerEmail: number;
  maxFailuresPerAddress: number;
  failureWindowMs: number;
  sessionTtlMs: number;
}

export interface LoginAttempt {
  email: string;
  password: string;
  /** The client's address (see clientAddress). */
  address: string;
}

export interface LoginResult {
  /** The session secret: shown to the caller once, never stored. */
  token: string;
  expiresAt: Date;
  operatorId: string;
  role: Actor["role"];
  tenantId: string | null;
}

const WRONG_CREDENTIALS = "wrong e-mail or password";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function login(prisma: PrismaClient, policy: LoginPolicy, attempt: LoginAttempt, now: Date): Promise<LoginResult> {
  const email = normaliseEmail(attempt.email);
  const subjects = { email: `login:${email}`, address: `login-address:${attempt.address}` };
  await refuseWhenLimited(prisma, policy, subjects, now);

  const operator = await prisma.operator.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, role: true, tenantId: true, disabled: true },
  });
  // Always one argon2 verification, whether or not the operator exists or is disabled.
  const matches = await passwordMatches(operator?.passwordHash ?? null, attempt.password);
  if (operator === null || operator.disabled || !matches) {
    await recordFailure(prisma, subjects, now, { email, address: attempt.address, tenantId: operator?.tenantId ?? null });
    throw new GatehouseError("UNAUTHORIZED", WRONG_CREDENTIALS);
  }

  const token = newSecret();
  const expiresAt = new Date(now.getTime() + policy.sessionTtlMs);
  await prisma.$transaction([
    prisma.session.create({ data: { operatorId: operator.id, tokenHash: sha256Hex(token), createdAt: now, expiresAt } }),
    prisma.authFailure.deleteMany({ where: { subject: subjects.email } }),
    prisma.session.deleteMany({ where: { operatorId: operator.id, expiresAt: { lte: now } } }),
    prisma.auditEvent.create({
      data: { at: now, actor: `operator:${operator.id}`, action: "auth.login", tenantId: operator.tenantId, targetType: "operator", targetId: operator.id, after: { address: attempt.address } },
    }),
  ]);
  return { token, expiresAt, operatorId: operator.id, role: operator.role, tenantId: operator.tenantId };
}

async function refuseWhenLimited(prisma: PrismaClient, policy: LoginPolicy, subjects: { email: string; address: string }, now: Date): Promise<void> {
  const since = new Date(now.getTime() - policy.failureWindowMs);
  const [byEmail, byAddress] = await Promise.all([
    prisma.authFailure.count({ where: { subject: subjects.email, createdAt: { gt: since } } }),
    prisma.authFailure.count({ where: { subject: subjects.address, createdAt: { gt: since } } }),
  ]);
  if (byEmail >= policy.maxFailuresPerEmail || byAddress >= policy.maxFailuresPerAddress) {
    const minutes = Math.ceil(policy.failureWindowMs / 60_000);
    throw new GatehouseError("RATE_LIMITED", `too many failed sign-ins; try again in ${minutes} minutes`);
  }
}

async function recordFailure(
  prisma: PrismaClient,
  subjects: { email: string; address: string },
  now: Date,
  detail: { email: string; address: string; tenantId: string | null },
): Promise<void> {
  const staleBefore = new Date(now.getTime() - 24 * 60 * 60_000);
  await prisma.$transaction([
    prisma.authFailure.createMany({ data: [{ subject: subjects.email, createdAt: now }, { subject: subjects.address, createdAt: now }] }),
    prisma.authFailure.deleteMany({ where: { subject: { in: [subjects.email, subjects.address] }, createdAt: { lt: staleBefore } } }),
    prisma.auditEvent.create({
      data: { at: now, actor: "system", action: "auth.login_failed", tenantId: detail.tenantId, targetType: "login", targetId: detail.email, after: { email: detail.email, address: detail.address } },
    }),
  ]);
}
