// Stores what agents report they enforce: each server's applied revision and hash, when it was
// last seen, the report itself, and each FQDN's last answer (for the UI). Reports are written
// in batches — after a fleet-wide change 10,000 agents report within a second, and one
// transaction per report would queue them for many seconds (and their acks with them, which
// commit-confirm waits for). One batch = one transaction of a few statements whose rows travel
// as a single JSON parameter (no bind-parameter limit, whatever the batch size).
// Server.appliedHash holds the report's desiredHash (comparable with hashDesiredState); the
// enforced ruleset's hash stays in lastReport.
// A batch first locks its Server rows in id order (server-row-locks.ts), so it cannot deadlock
// with a fleet-wide change landing during the fetch storm.
import type { Logger } from "pino";
import type { PrismaClient } from "@gatehouse/db";
import type { ReportMessage } from "@gatehouse/protocol";
import { writeAuditEvents, type AuditEventDraft } from "../audit-writer.ts";
import { knockStatements } from "./knock-store.ts";
import { lockServersInIdOrder } from "./server-row-locks.ts";

export interface ReportingServer {
  id: string;
  tenantId: string;
}

interface Pending {
  server: ReportingServer;
  report: ReportMessage;
  receivedAt: Date;
  /** Called once the report is stored (or storing failed and will be retried). */
  done: Array<() => void>;
}

const MAX_BATCH = 1_000;
const RETRY_MS = 1_000;
/** The longest a report batch waits for state pushes to settle: acks must come well within commit-confirm's window (30 s by default). */
const MAX_WAIT_FOR_PUSHES_MS = 2_000;

export interface ReportWriterOptions {
  prisma: PrismaClient;
  logger: Logger;
  now?: () => Date;
  /**
   * Resolves once no state push is under way (the snapshot loader is idle). A batch waits for it
   * (at most MAX_WAIT_FOR_PUSHES_MS): after a fleet-wide change the first agents' reports would
   * otherwise compete with the push of the others' states, and the new state on every server
   * is what an operator waits for; the reports, stored in fewer and larger batches, follow.
   */
  pushesSettled?: () => Promise<void>;
}

/** Drift repairs, commit-confirm rollbacks and cut flows are security-relevant: they are also audited. */
function auditedEvents({ server, report, receivedAt }: Pending): AuditEventDraft[] {
  const base = { at: receivedAt, actor: `agent:${server.id}`, tenantId: server.tenantId, targetType: "server", targetId: server.id };
  return [
    ...(report.drift ? [{ ...base, action: "agent.drift_repaired", after: { problems: report.drift.problems, appliedRevision: report.appliedRevision } }] : []),
    ...(report.rolledBack ? [{ ...base, action: "agent.rolled_back", after: report.rolledBack }] : []),
    ...(report.flowsCut ? [{ ...base, action: "agent.flows_cut", after: { flowsCut: report.flowsCut, appliedRevision: report.appliedRevision } }] : []),
  ];
}

function serverRow({ server, report, receivedAt }: Pending) {
  // Drop telemetry goes to its own tables (knock-store.ts), not into every server's last report.
  const { type: _type, knocks: _knocks, ...body } = report;
  return { id: server.id, rev: report.appliedRevision, hash: report.desiredHash, seen: receivedAt.toISOString(), report: { ...body, receivedAt: receivedAt.toISOString() } };
}

function answerRows({ server, report, receivedAt }: Pending) {
  return [
    ...report.resolutions.map((r) => ({ serverId: server.id, fqdn: r.fqdn, addresses: r.addresses, targets: r.targets ?? null, error: null, resolvedAt: r.resolvedAt })),
    ...report.unresolved.map((u) => ({ serverId: server.id, fqdn: u.fqdn, addresses: [], targets: null, error: u.error, resolvedAt: receivedAt.toISOString() })),
  ];
}

/** Writes one batch (at most one report per server) in one transaction. */
async function storeReports(prisma: PrismaClient, batch: Pending[]): Promise<void> {
  const servers = JSON.stringify(batch.map(serverRow));
  const serverIds = batch.map((p) => p.server.id);
  const ids = JSON.stringify(serverIds);
  // A report naming the same FQDN twice keeps the first answer (the table's key is the pair).
  const unique = new Map(batch.flatMap(answerRows).reverse().map((a) => [`${a.serverId}|${a.fqdn}`, a]));
  const answers = JSON.stringify([...unique.values()]);
  const audits = batch.flatMap(auditedEvents);
  await prisma.$transaction([
    lockServersInIdOrder(prisma, serverIds),
    prisma.$executeRaw`
      UPDATE "Server" AS s
      SET "appliedRevision" = v.rev, "appliedHash" = v.hash, "lastSeenAt" = (v.seen::timestamptz AT TIME ZONE 'UTC'), "lastReport" = v.report
      FROM jsonb_to_recordset(${servers}::jsonb) AS v(id text, rev int, hash text, seen text, report jsonb)
      WHERE s.id = v.id`,
    prisma.$executeRaw`DELETE FROM "FqdnAnswer" WHERE "serverId" IN (SELECT jsonb_array_elements_text(${ids}::jsonb))`,
    prisma.$executeRaw`
      INSERT INTO "FqdnAnswer" ("serverId", "fqdn", "addresses", "targets", "error", "resolvedAt")
      SELECT x."serverId", x.fqdn, x.addresses, x.targets, x.error, (x."resolvedAt"::timestamptz AT TIME ZONE 'UTC')
      FROM jsonb_to_recordset(${answers}::jsonb) AS x("serverId" text, fqdn text, addresses text[], targets jsonb, error text, "resolvedAt" text)
      WHERE EXISTS (SELECT 1 FROM "Server" WHERE id = x."serverId")`,
    ...knockStatements(prisma, batch.map(({ server, report, receivedAt }) => ({ serverId: server.id, receivedAt, knocks: report.knocks ?? [] }))),
    ...(audits.length > 0 ? [writeAuditEvents(prisma, audits)] : []),
  ]);
}

/**
 * Gathers reports for one turn of the event loop, or while state pushes are under way (the
 * latest per server wins), and stores them.
 */
export class ReportWriter {
  private pending = new Map<string, Pending>();
  /** The batch being written now; flushes never overlap. */
  private writing: Promise<boolean> | null = null;
  private scheduled = false;
  private closed = false;
  private readonly prisma: PrismaClient;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly waitForPushes: (() => Promise<void>) | undefined;

  constructor({ prisma, logger, now = () => new Date(), pushesSettled }: ReportWriterOptions) {
    this.prisma = prisma;
    this.logger = logger;
    this.now = now;
    this.waitForPushes = pushesSettled;
  }

  /** Resolves once the report is stored (or, if the database failed, queued for a retry). */
  store(server: ReportingServer, report: ReportMessage): Promise<void> {
    // After close the database is going away: a report still arriving is the agent's next
    // one's to carry (it reports again on its next connection).
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.pending.get(server.id);
      // The latest report wins, but the drop telemetry of the one it replaces is kept.
      const knocks = [...(previous?.report.knocks ?? []), ...(report.knocks ?? [])];
      const latest = knocks.length > 0 ? { ...report, knocks } : report;
      this.pending.set(server.id, { server, report: latest, receivedAt: this.now(), done: [...(previous?.done ?? []), resolve] });
      this.schedule(0);
    });
  }

  /**
   * Stores every report received so far (a stopping plane keeps what it was told), without
   * waiting for pushes, and takes no more: nothing writes after the plane closes its database.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    while (this.pending.size > 0) if (await this.flush()) break; // the database is failing: logged, given up
  }

  private schedule(delayMs: number): void {
    if (this.scheduled || this.writing !== null || this.closed) return;
    this.scheduled = true;
    const run = () => void this.flush();
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Writes one batch; resolves to whether it failed. */
  private flush(): Promise<boolean> {
    this.scheduled = false;
    this.writing ??= this.writeBatch().then((failed) => {
      this.writing = null;
      if (this.pending.size > 0) this.schedule(failed ? RETRY_MS : 0);
      return failed;
    });
    return this.writing;
  }

  private async writeBatch(): Promise<boolean> {
    if (!this.closed) await this.pushesSettled();
    const batch = [...this.pending.values()].slice(0, MAX_BATCH);
    if (batch.length === 0) return false;
    for (const p of batch) this.pending.delete(p.server.id);
    let failed = false;
    try {
      await storeReports(this.prisma, batch);
    } catch (error) {
      failed = true;
      this.logger.error({ err: error, reports: batch.length }, "cannot store agent reports; retrying");
      // Keep the report for a retry unless the agent has sent a newer one meanwhile.
      for (const p of batch) if (!this.pending.has(p.server.id)) this.pending.set(p.server.id, { ...p, done: [] });
    }
    // The agent is acknowledged either way: it did reach the control plane, which is what
    // commit-confirm asks; a database hiccup must not roll back firewalls fleet-wide.
    for (const p of batch) for (const done of p.done) done();
    return failed;
  }

  private async pushesSettled(): Promise<void> {
    if (this.waitForPushes === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, MAX_WAIT_FOR_PUSHES_MS)));
    await Promise.race([this.waitForPushes(), bound]);
    clearTimeout(timer);
  }
}
