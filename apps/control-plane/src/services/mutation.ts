// Every change to intent goes through runMutation: ONE database transaction runs the change,
// writes its audit event(s) and bumps `revision` of exactly the servers it affects; only after
// the commit are the new revisions published on the RevisionBus (the other replicas hear of them
// by a NOTIFY sent in the same transaction, so only if it commits). If the process dies anywhere
// before the commit nothing is written; if it dies after, agents still converge because a
// connecting agent always receives the full state at the stored revision.
import type { EntryScope } from "@gatehouse/core";
import { Prisma, type PrismaClient, type Tx } from "@gatehouse/db";
import type { RevisionBus, RevisionChange } from "../bus.ts";
import { writeAuditEvents } from "../audit-writer.ts";

export interface AuditDraft {
  /** Defaults to the mutation's action. */
  action?: string;
  tenantId: string | null;
  targetType: string;
  targetId: string;
  /** Plain data; secret-named fields are dropped (see audit-writer.ts). */
  before?: unknown;
  after?: unknown;
}

export interface MutationOutcome<T> {
  result: T;
  audit: AuditDraft | readonly AuditDraft[];
  /** Which servers the change reaches, in the terms of an allow entry's scope. */
  affected: readonly EntryScope[];
  /** Servers this change deleted, with a final revision, so listeners (the hub) drop them. */
  removedServers?: readonly RevisionChange[];
}

export interface MutationContext {
  prisma: PrismaClient;
  bus: RevisionBus;
  /** "operator:<id>", "traveler:<id>", "agent:<serverId>" or "system". */
  actor: string;
  now: () => Date;
}

/** Large fleets: bumping thousands of rows must not hit Prisma's 5 s interactive default. */
const TRANSACTION_TIMEOUT_MS = 60_000;

export async function runMutation<T>(
  ctx: MutationContext,
  action: string,
  change: (tx: Tx) => Promise<MutationOutcome<T>>,
): Promise<T> {
  const { result, published } = await ctx.prisma.$transaction(
    async (tx) => {
      const outcome = await change(tx);
      const at = ctx.now();
      const drafts: readonly AuditDraft[] = [outcome.audit].flat();
      if (drafts.length > 0) await writeAuditEvents(tx, drafts.map((draft) => ({ ...draft, at, actor: ctx.actor, action: draft.action ?? action })));
      const published = [...(await bumpRevisions(tx, outcome.affected)), ...(outcome.removedServers ?? [])];
      await ctx.bus.announce(tx, published);
      return { result: outcome.result, published };
    },
    { timeout: TRANSACTION_TIMEOUT_MS },
  );
  ctx.bus.publish(published);
  return result;
}

/**
 * `revision = revision + 1` for every server any scope covers, each once, in id order (the
 * same lock order in every transaction, so concurrent fleet-wide changes cannot deadlock).
 */
async function bumpRevisions(tx: Tx, affected: readonly EntryScope[]): Promise<RevisionChange[]> {
  const condition = coverageCondition(affected);
  if (condition === null) return [];
  const rows = await tx.$queryRaw<{ id: string; revision: number }[]>`
    UPDATE "Server" SET "revision" = "revision" + 1
    WHERE "id" IN (SELECT "id" FROM "Server" WHERE ${condition} ORDER BY "id" FOR UPDATE)
    RETURNING "id", "revision"`;
  return rows.map((row) => ({ serverId: row.id, revision: Number(row.revision) })).sort((a, b) => (a.serverId < b.serverId ? -1 : 1));
}

function coverageCondition(affected: readonly EntryScope[]): Prisma.Sql | null {
  if (affected.some((item) => item.kind === "FLEET")) return Prisma.sql`TRUE`;
  const tenants = new Set<string>();
  const servers = new Set<string>();
  const groups = new Map<string, { tenantId: string; group: string }>();
  for (const item of affected) {
    if (item.kind === "TENANT") tenants.add(item.tenantId);
    else if (item.kind === "SERVER") servers.add(item.serverId);
    else if (item.kind === "GROUP") groups.set(JSON.stringify([item.tenantId, item.group]), item);
  }
  const parts: Prisma.Sql[] = [];
  if (tenants.size > 0) parts.push(Prisma.sql`"tenantId" IN (${Prisma.join([...tenants])})`);
  if (servers.size > 0) parts.push(Prisma.sql`"id" IN (${Prisma.join([...servers])})`);
  for (const { tenantId, group } of groups.values()) {
    parts.push(Prisma.sql`("tenantId" = ${tenantId} AND ${group} = ANY("tags"))`);
  }
  return parts.length === 0 ? null : Prisma.join(parts, " OR ");
}
