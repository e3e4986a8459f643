// Signing in: e-mail + password -> a session secret (returned once, stored as SHA-256).
//
// Lockouts strangers cannot use (docs/security.md, "Lockouts"; rules in @gatehouse/core):
// failures count per e-mail from one source, per e-mail from everywhere (an hour), and per
// address across e-mails. The source is the browser's known-device cookie when this operator
// signed in with it before, else the client address. A known device, or an address this
// operator signed in from before, is held only by its own failures, so a stranger's guesses
// never keep the right password out there. Every answer is the same whether the e-mail
// belongs to anyone or not.
import { GatehouseError, lockoutSubjects, sha256Hex, type LockoutPolicy } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import { operatorLockedOutAlert } from "../alerts/alert-kinds.ts";
import { raiseAlert } from "../alerts/outbox.ts";
import { writeAuditEvents } from "../audit-writer.ts";
import type { Actor } from "./authenticate.ts";
import { failureRows, knownSourceOf, lockoutRefusalFor, rememberSource } from "./lockout-store.ts";
import { passwordMatches } from "./passwords.ts";
import { newSecret } from "./secrets.ts";

export interface LoginPolicy {
  /** Failures of one e-mail from one address or known device, within the window. */
  maxFailuresPerEmail: number;
  /** Failures from one address across e-mails, within the window. */
  maxFailuresPerAddress: number;
  failureWindowMs: number;
  /** Failures of one e-mail from every unknown address and device together, within an hour. */
  maxFailuresPerAccount: number;
  sessionTtlMs: number;
}

const ACCOUNT_FAILURE_WINDOW_MS = 60 * 60_000;
export const KNOWN_DEVICE_TTL_MS = 180 * 24 * 60 * 60_000;
const KNOWN_ADDRESS_TTL_MS = 30 * 24 * 60 * 60_000;

export interface LoginAttempt {
  email: string;
  password: string;
  /** The client's address (see clientAddress). */
  address: string;
  /** The secret of the known-device cookie the browser sent, if any. */
  deviceSecret: string | null;
}

export interface LoginResult {
  /** The session secret: shown to the caller once, never stored. */
  token: string;
  expiresAt: Date;
  operatorId: string;
  role: Actor["role"];
  tenantId: string | null;
  /** The known-device secret to set as a cookie (the presented one when it was already known). */
  deviceSecret: string;
}

const WRONG_CREDENTIALS = "wrong e-mail or password";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function loginLockoutPolicy(policy: LoginPolicy): LockoutPolicy {
  return {
    pair: { max: policy.maxFailuresPerEmail, windowMs: policy.failureWindowMs },
    account: { max: policy.maxFailuresPerAccount, windowMs: ACCOUNT_FAILURE_WINDOW_MS },
    source: { max: policy.maxFailuresPerAddress, windowMs: policy.failureWindowMs },
  };
}

export async function login(prisma: PrismaClient, policy: LoginPolicy, attempt: LoginAttempt, now: Date): Promise<LoginResult> {
  const email = normaliseEmail(attempt.email);
  const operator = await prisma.operator.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, role: true, tenantId: true, disabled: true },
  });
  const account = operator ? `operator:${operator.id}` : null;
  const device = attempt.deviceSecret ? `device:${sha256Hex(attempt.deviceSecret)}` : null;
  const address = `address:${attempt.address}`;
  const known = await knownSourceOf(prisma, account, device ? [device, address] : [address], now);
  const subjects = lockoutSubjects("login", email, { key: known ?? address, sharedByStrangers: false });
  const lockout = loginLockoutPolicy(policy);
  const refusal = await lockoutRefusalFor(prisma, lockout, subjects, known !== null, now);
  if (refusal !== null) {
    const minutes = Math.ceil(lockout[refusal].windowMs / 60_000);
    throw new GatehouseError("RATE_LIMITED", `too many failed sign-ins; try again in ${minutes} minutes`);
  }

  // Always one argon2 verification, whether or not the operator exists or is disabled.
  const matches = await passwordMatches(operator?.passwordHash ?? null, attempt.password);
  if (operator === null || account === null || operator.disabled || !matches) {
    await prisma.$transaction([
      prisma.authFailure.createMany({ data: failureRows(subjects, now) }),
      writeAuditEvents(prisma, [
        { at: now, actor: "system", action: "auth.login_failed", tenantId: operator?.tenantId ?? null, targetType: "login", targetId: email, after: { email, address: attempt.address, knownSource: known !== null } },
      ]),
    ]);
    await alertWhenNowLockedOut(prisma, lockout, subjects, known !== null, operator, email, now);
    throw new GatehouseError("UNAUTHORIZED", WRONG_CREDENTIALS);
  }

  const token = newSecret();
  const expiresAt = new Date(now.getTime() + policy.sessionTtlMs);
  // A cookie this operator's sign-in did not issue is replaced, so nobody can plant a secret
  // they know in someone else's browser and have it become that operator's known device.
  const deviceSecret = known === device && attempt.deviceSecret ? attempt.deviceSecret : newSecret();
  await prisma.$transaction([
    prisma.session.create({ data: { operatorId: operator.id, tokenHash: sha256Hex(token), createdAt: now, expiresAt } }),
    prisma.authFailure.deleteMany({ where: { subject: { in: subjects.pair === null ? [] : [subjects.pair] } } }),
    rememberSource(prisma, account, address, KNOWN_ADDRESS_TTL_MS, now),
    rememberSource(prisma, account, `device:${sha256Hex(deviceSecret)}`, KNOWN_DEVICE_TTL_MS, now),
    prisma.session.deleteMany({ where: { operatorId: operator.id, expiresAt: { lte: now } } }),
    writeAuditEvents(prisma, [
      { at: now, actor: `operator:${operator.id}`, action: "auth.login", tenantId: operator.tenantId, targetType: "operator", targetId: operator.id, after: { address: attempt.address, knownSource: known !== null } },
    ]),
  ]);
  return { token, expiresAt, operatorId: operator.id, role: operator.role, tenantId: operator.tenantId, deviceSecret };
}

/** The failure that crosses a lockout threshold raises an operator.locked_out alert (once: later attempts are refused above). */
async function alertWhenNowLockedOut(
  prisma: PrismaClient,
  lockout: ReturnType<typeof loginLockoutPolicy>,
  subjects: ReturnType<typeof lockoutSubjects>,
  knownSource: boolean,
  operator: { tenantId: string | null } | null,
  email: string,
  now: Date,
): Promise<void> {
  if (operator === null) return;
  const refusal = await lockoutRefusalFor(prisma, lockout, subjects, knownSource, now);
  if (refusal !== null) await raiseAlert(prisma, operatorLockedOutAlert(operator.tenantId, email, Math.ceil(lockout[refusal].windowMs / 60_000)), now);
}
