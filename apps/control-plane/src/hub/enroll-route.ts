// POST /agent/enroll: an agent trades its server's one-time enrollment token for a long-lived
// credential. Single use even under a race: the token's hash is cleared by a conditional
// update that only one request can win, in the same transaction as the audit event.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { sha256Hex } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import { enrollRequestSchema, type EnrollResponse } from "@gatehouse/protocol";
import { writeAuditEvents } from "../audit-writer.ts";
import { newSecret } from "../auth/secrets.ts";

const MAX_BODY_BYTES = 4096;

export interface EnrollDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after a successful enrollment: an older agent of this server must go. */
  onEnrolled: (serverId: string) => void;
  now?: () => Date;
}

type EnrollOutcome = { status: 200; body: EnrollResponse } | { status: 400 | 401 | 410 | 413; body: { error: string } };

export async function handleEnrollRequest(req: IncomingMessage, res: ServerResponse, deps: EnrollDeps): Promise<void> {
  let outcome: EnrollOutcome;
  try {
    outcome = await enroll(req, deps);
  } catch (error) {
    deps.logger.error({ err: error }, "enrollment failed");
    return sendJson(res, 500, { error: "enrollment failed; try again" });
  }
  sendJson(res, outcome.status, outcome.body);
}

async function enroll(req: IncomingMessage, deps: EnrollDeps): Promise<EnrollOutcome> {
  const raw = await readBody(req);
  if (raw === null) return { status: 413, body: { error: "request too large" } };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { status: 400, body: { error: "body must be JSON {token, hostname, agentVersion}" } };
  }
  const request = enrollRequestSchema.safeParse(json);
  if (!request.success) return { status: 400, body: { error: "body must be JSON {token, hostname, agentVersion}" } };
  const now = deps.now?.() ?? new Date();
  const tokenHash = sha256Hex(request.data.token);
  const server = await deps.prisma.server.findUnique({
    where: { enrollmentTokenHash: tokenHash },
    select: { id: true, tenantId: true, enrollmentExpiresAt: true, revokedAt: true },
  });
  if (server === null || server.revokedAt !== null) {
    return { status: 401, body: { error: "enrollment token unknown or already used" } };
  }
  if (server.enrollmentExpiresAt !== null && server.enrollmentExpiresAt <= now) {
    return { status: 410, body: { error: "enrollment token expired; create a new one for this server" } };
  }
  const credential = newSecret();
  const won = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.server.updateMany({
      where: { id: server.id, enrollmentTokenHash: tokenHash },
      data: { enrollmentTokenHash: null, enrollmentExpiresAt: null, agentCredentialHash: sha256Hex(credential) },
    });
    if (updated.count !== 1) return false;
    await writeAuditEvents(tx, [
      {
        at: now,
        actor: `agent:${server.id}`,
        action: "agent.enrolled",
        tenantId: server.tenantId,
        targetType: "server",
        targetId: server.id,
        after: { hostname: request.data.hostname, agentVersion: request.data.agentVersion },
      },
    ]);
    return true;
  });
  if (!won) return { status: 401, body: { error: "enrollment token unknown or already used" } };
  deps.logger.info({ serverId: server.id, hostname: request.data.hostname }, "agent enrolled");
  deps.onEnrolled(server.id);
  return { status: 200, body: { serverId: server.id, credential } };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        resolve(null); // the rest is read and dropped so the 413 can still be answered
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}
