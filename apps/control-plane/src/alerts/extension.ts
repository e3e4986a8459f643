// Alerts as a control-plane extension: the outbox worker (worker.ts) on the control plane's one
// mailer, and the fleet watch (fleet-watch.ts) the agent hub tells of connects, disconnects and
// reports through app.alerts. Without this extension rules can still be made and alerts are
// still queued; nothing delivers them until a control plane with it runs.
import type { ReportMessage } from "@gatehouse/protocol";
import type { ControlPlaneExtension } from "../extension.ts";
import type { Alert } from "./alert-kinds.ts";
import { FleetWatch } from "./fleet-watch.ts";
import { raiseAlert } from "./outbox.ts";
import { AlertWorker, type AlertRetryPolicy } from "./worker.ts";

/** What the rest of the control plane tells the alerts (app.alerts, set while this extension runs). */
export interface AlertHooks {
  raise(alert: Alert): Promise<void>;
  /** Deliver queued alerts now (a test alert was just queued). */
  kick(): void;
  agentPresence(serverId: string, online: boolean): void;
  agentReported(serverId: string, report: ReportMessage): void;
}

export interface AlertsExtensionOptions {
  retry?: AlertRetryPolicy;
  pollIntervalMs?: number;
  /** Default ALERT_OFFLINE_AFTER_SECONDS. */
  offlineAfterMs?: number;
  webhookTimeoutMs?: number;
  leaseMs?: number;
}

export function alertsExtension(options: AlertsExtensionOptions = {}): ControlPlaneExtension {
  return ({ app }) => {
    const logger = app.logger.child({ component: "alerts" });
    const worker = new AlertWorker({ prisma: app.prisma, mailer: app.travelers.mailer, logger, now: app.now, allowPrivateTargets: app.env.ALERT_WEBHOOK_ALLOW_PRIVATE, ...options });
    const raise = async (alert: Alert) => {
      if ((await raiseAlert(app.prisma, alert, app.now())) > 0) worker.kick();
    };
    const watch = new FleetWatch({ prisma: app.prisma, logger, now: app.now, offlineAfterMs: options.offlineAfterMs ?? app.env.ALERT_OFFLINE_AFTER_SECONDS * 1000, raise });
    app.alerts = {
      raise,
      kick: () => worker.kick(),
      agentPresence: (serverId, online) => watch.agentPresence(serverId, online),
      agentReported: (serverId, report) => watch.agentReported(serverId, report),
    };
    worker.start();
    return {
      async close() {
        watch.close();
        delete app.alerts;
        await worker.close();
      },
    };
  };
}
