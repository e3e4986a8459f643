// A new geo database is a fleet-wide revision of the servers with country entries: the leader
// that starts with a version other than the recorded one (GeoDatabaseRecord, one row) records
// its own, audits "geo database upgraded from X to Y" and bumps every server a country entry
// covers, in one runMutation (a new installation's first record is no upgrade: no event). Their new states name the new version, so their agents ask for
// the new networks. Leader only (cluster whileLeader), and idempotent besides: the record is
// read under a row lock in the same transaction, so a second run (or another replica's)
// finds the version already recorded and changes nothing.
import { entryScopeOf, type EntryScope } from "@gatehouse/core";
import type { Db, PrismaClient, Tx } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import type { Logger } from "../logger.ts";
import { runMutation, type AuditDraft } from "./mutation.ts";

const RECORD_ID = 1;

/** The version every state with a country entry names; null before any control plane recorded one. */
export async function recordedGeoVersion(prisma: Db): Promise<string | null> {
  const record = await prisma.geoDatabaseRecord.findUnique({ where: { id: RECORD_ID }, select: { version: true } });
  return record?.version ?? null;
}

async function countryScopes(tx: Tx): Promise<EntryScope[]> {
  const rows = await tx.allowEntry.findMany({
    where: { sourceKind: "country" },
    distinct: ["scope", "tenantId", "groupName", "serverId"],
    select: { scope: true, tenantId: true, groupName: true, serverId: true },
  });
  return rows.map((row) => entryScopeOf(row));
}

interface GeoUpgradeResult {
  /** The version recorded before, or null the first time. */
  from: string | null;
  to: string;
  /** False when `to` was already recorded: nothing written. */
  changed: boolean;
}

/** Records `version` when it is not the recorded one, with its audit event and the revisions. */
async function recordGeoVersion(ctx: { prisma: PrismaClient; bus: RevisionBus; now: () => Date }, version: string): Promise<GeoUpgradeResult> {
  return runMutation<GeoUpgradeResult>({ ...ctx, actor: "system" }, "geo.upgraded", async (tx) => {
    const [locked] = await tx.$queryRaw<{ version: string }[]>`SELECT "version" FROM "GeoDatabaseRecord" WHERE "id" = ${RECORD_ID} FOR UPDATE`;
    const from = locked?.version ?? null;
    if (from === version) return { result: { from, to: version, changed: false }, audit: [], affected: [] };
    const recordedAt = ctx.now();
    await tx.geoDatabaseRecord.upsert({ where: { id: RECORD_ID }, create: { id: RECORD_ID, version, recordedAt }, update: { version, recordedAt } });
    // The first record (a new installation) changes no one's networks: only an upgrade is an event.
    const audit: AuditDraft[] = from === null ? [] : [{ tenantId: null, targetType: "geoDatabase", targetId: String(RECORD_ID), before: { version: from }, after: { version } }];
    return { result: { from, to: version, changed: true }, audit, affected: await countryScopes(tx) };
  });
}

/** The leader job: records this replica's database version when it leads. */
export class GeoUpgrade {
  private running: Promise<void> | null = null;

  constructor(private readonly options: { prisma: PrismaClient; bus: RevisionBus; now: () => Date; version: string; logger: Logger }) {}

  start(): void {
    this.running ??= this.run().finally(() => (this.running = null));
  }

  /**
   * One short transaction, which a lost leadership cannot make wrong (see above); a closing
   * plane waits for it, so it never runs on against a database that is going away.
   */
  stop(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    const { logger, version } = this.options;
    try {
      const result = await recordGeoVersion(this.options, version);
      if (!result.changed) return;
      if (result.from === null) logger.info({ version }, "geo database version recorded");
      else logger.warn({ from: result.from, to: version }, "geo database upgraded: the servers with country entries get a new revision");
    } catch (error) {
      logger.error({ err: error, version }, "cannot record the geo database version; country entries keep the recorded one");
    }
  }
}
