// Turns what the agent hub hears into alerts: a server whose agent stays disconnected longer than
// the grace period (a restart, a network blip or a failover to another replica reconnects within
// it and raises nothing: the server row says whether any replica has its agent now), a
// repaired drift, a commit-confirm rollback, and an FQDN that newly fails to resolve (an FQDN
// keeps failing in every report: it is alerted once until it resolves again, or until this
// process restarts).
import type { PrismaClient } from "@gatehouse/db";
import type { ReportMessage } from "@gatehouse/protocol";
import type { Logger } from "../logger.ts";
import { fqdnUnresolvedAlert, serverDriftAlert, serverOfflineAlert, serverRolledBackAlert, type Alert } from "./alert-kinds.ts";

interface ServerFacts {
  id: string;
  name: string;
  tenantId: string;
  tenantName: string;
}

export interface FleetWatchOptions {
  prisma: PrismaClient;
  logger: Logger;
  now: () => Date;
  offlineAfterMs: number;
  raise: (alert: Alert) => Promise<void>;
}

export class FleetWatch {
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  private readonly unresolvedAlerted = new Map<string, Set<string>>();
  private closed = false;

  constructor(private readonly options: FleetWatchOptions) {}

  agentPresence(serverId: string, online: boolean): void {
    if (this.closed) return;
    clearTimeout(this.offlineTimers.get(serverId));
    this.offlineTimers.delete(serverId);
    if (online) return;
    const since = this.options.now();
    const timer = setTimeout(() => {
      this.offlineTimers.delete(serverId);
      this.alertAbout(serverId, (server) => (server.connectedElsewhere ? [] : [serverOfflineAlert(server, since)]));
    }, this.options.offlineAfterMs);
    timer.unref();
    this.offlineTimers.set(serverId, timer);
  }

  agentReported(serverId: string, report: ReportMessage): void {
    if (this.closed) return;
    const newlyUnresolved = this.newlyUnresolved(serverId, report);
    if (!report.drift && !report.rolledBack && newlyUnresolved.length === 0) return;
    this.alertAbout(serverId, (server) => [
      ...(report.drift ? [serverDriftAlert(server, report.drift.problems)] : []),
      ...(report.rolledBack ? [serverRolledBackAlert(server, report.rolledBack)] : []),
      ...(newlyUnresolved.length > 0 ? [fqdnUnresolvedAlert(server, newlyUnresolved)] : []),
    ]);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
    this.offlineTimers.clear();
  }

  private newlyUnresolved(serverId: string, report: ReportMessage): { fqdn: string; error: string }[] {
    const before = this.unresolvedAlerted.get(serverId) ?? new Set<string>();
    const now = new Set(report.unresolved.map((item) => item.fqdn));
    if (now.size === 0) this.unresolvedAlerted.delete(serverId);
    else this.unresolvedAlerted.set(serverId, now);
    return report.unresolved.filter((item) => !before.has(item.fqdn));
  }

  /** `connectedElsewhere`: its agent is connected to a replica now (it failed over within the grace period). */
  private alertAbout(serverId: string, alerts: (server: ServerFacts & { connectedElsewhere: boolean }) => Alert[]): void {
    void (async () => {
      const row = await this.options.prisma.server.findUnique({
        where: { id: serverId },
        select: { id: true, name: true, tenantId: true, connectedReplicaId: true, tenant: { select: { name: true } } },
      });
      if (row === null) return; // deleted meanwhile: nothing to alert about
      const facts = { id: row.id, name: row.name, tenantId: row.tenantId, tenantName: row.tenant.name, connectedElsewhere: row.connectedReplicaId !== null };
      for (const alert of alerts(facts)) await this.options.raise(alert);
    })().catch((error: unknown) => this.options.logger.error({ err: error, serverId }, "cannot raise an alert"));
  }
}
