// Who is calling: a bearer secret (Authorization header or the session cookie) resolved to an
// enabled operator, through a session or an API token. Unknown, expired, revoked and disabled
// all come out as null: the caller is simply not signed in.
import type { OperatorRole, PrismaClient } from "@gatehouse/db";
import { sha256Hex } from "@gatehouse/core";
import { API_TOKEN_PREFIX } from "./secrets.ts";

export interface Actor {
  operatorId: string;
  email: string;
  name: string;
  role: OperatorRole;
  /** null for MSP_ADMIN; the one tenant of a TENANT_ADMIN or VIEWER. */
  tenantId: string | null;
  via: { kind: "session"; sessionId: string } | { kind: "apiToken"; tokenId: string };
}

/** lastUsedAt is refreshed at most this often, so scripts do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

const operatorFields = { id: true, email: true, name: true, role: true, tenantId: true, disabled: true } as const;

export async function authenticateBearer(prisma: PrismaClient, secret: string, now: Date): Promise<Actor | null> {
  const tokenHash = sha256Hex(secret);
  if (secret.startsWith(API_TOKEN_PREFIX)) {
    const token = await prisma.apiToken.findUnique({ where: { tokenHash }, select: { id: true, expiresAt: true, revokedAt: true, lastUsedAt: true, operator: { select: operatorFields } } });
    if (token === null || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now) || token.operator.disabled) return null;
    if (token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    }
    return actorOf(token.operator, { kind: "apiToken", tokenId: token.id });
  }
  const session = await prisma.session.findUnique({ where: { tokenHash }, select: { id: true, expiresAt: true, operator: { select: operatorFields } } });
  if (session === null || session.expiresAt <= now || session.operator.disabled) return null;
  return actorOf(session.operator, { kind: "session", sessionId: session.id });
}

function actorOf(operator: { id: string; email: string; name: string; role: OperatorRole; tenantId: string | null }, via: Actor["via"]): Actor {
  return { operatorId: operator.id, email: operator.email, name: operator.name, role: operator.role, tenantId: operator.tenantId, via };
}

export function actorLabel(actor: Pick<Actor, "operatorId">): string {
  return `operator:${actor.operatorId}`;
}
