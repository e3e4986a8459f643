// Stores what an agent reports it enforces: the server's applied revision and hash, when it
// was last seen, the report itself, and each FQDN's last answer (for the UI), in one
// transaction. Server.appliedHash holds the report's desiredHash (comparable with the
// control plane's hashDesiredState); the enforced ruleset's hash stays in lastReport.
import type { PrismaClient } from "@gatehouse/db";
import type { ReportMessage } from "@gatehouse/protocol";

/** Drift repairs and commit-confirm rollbacks are security-relevant: they are also audited. */
function auditedEvents(serverId: string, tenantId: string, report: ReportMessage) {
  const base = { actor: `agent:${serverId}`, tenantId, targetType: "server", targetId: serverId };
  return [
    ...(report.drift ? [{ ...base, action: "agent.drift_repaired", after: { problems: report.drift.problems, appliedRevision: report.appliedRevision } }] : []),
    ...(report.rolledBack ? [{ ...base, action: "agent.rolled_back", after: report.rolledBack }] : []),
  ];
}

export async function storeReport(prisma: PrismaClient, server: { id: string; tenantId: string }, report: ReportMessage, now: Date): Promise<void> {
  const serverId = server.id;
  const { type: _type, ...body } = report;
  const answers = [
    ...report.resolutions.map((r) => ({ fqdn: r.fqdn, addresses: r.addresses, error: null, resolvedAt: new Date(r.resolvedAt) })),
    ...report.unresolved.map((u) => ({ fqdn: u.fqdn, addresses: [] as string[], error: u.error, resolvedAt: now })),
  ];
  await prisma.$transaction([
    prisma.server.update({
      where: { id: serverId },
      data: { appliedRevision: report.appliedRevision, appliedHash: report.desiredHash, lastSeenAt: now, lastReport: { ...body, receivedAt: now.toISOString() } },
    }),
    prisma.fqdnAnswer.deleteMany({ where: { serverId, fqdn: { notIn: answers.map((a) => a.fqdn) } } }),
    ...auditedEvents(serverId, server.tenantId, report).map((data) => prisma.auditEvent.create({ data })),
    ...answers.map((a) =>
      prisma.fqdnAnswer.upsert({
        where: { serverId_fqdn: { serverId, fqdn: a.fqdn } },
        create: { serverId, ...a },
        update: { addresses: a.addresses, error: a.error, resolvedAt: a.resolvedAt },
      }),
    ),
  ]);
}
