// What the travelers service needs from the running control plane, passed in (never imported
// globals), so tests hand it a test database, a test SMTP server and a fixed clock. Built once
// when the control plane starts (start.ts) and handed to the API, the pages and the IVR.
import type { PrismaClient } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import type { Logger } from "../logger.ts";
import type { Mailer, RetryPolicy } from "../mail/index.ts";
import type { MutationContext, MutationOutcome } from "../services/mutation.ts";

export interface TravelersContext {
  prisma: PrismaClient;
  /** Where runMutation publishes the revisions a grant or a traveler's change bumped. */
  bus: RevisionBus;
  mailer: Mailer;
  mailRetry: RetryPolicy;
  logger: Logger;
  now: () => Date;
  /** Zone expiries are written and spoken in. */
  timeZone: string;
  /** Tests only: documentation ranges may be granted. */
  allowDocumentationAddresses: boolean;
  /** Public base URL of the control plane, for links in mails ("https://gatehouse.example.net"). */
  publicUrl: () => string;
  /** Mails and alerts are sent after commit without holding up the caller; tracked here. */
  background: BackgroundTasks;
}

/** runMutation's context for a change `actor` makes through the travelers service. */
export function mutationBy(ctx: TravelersContext, actor: string): MutationContext {
  return { prisma: ctx.prisma, bus: ctx.bus, actor, now: ctx.now };
}

/** The revision bumps of a change that reached these servers' allowlists. */
export function serversAffected(serverIds: readonly string[]): MutationOutcome<unknown>["affected"] {
  return serverIds.map((serverId) => ({ kind: "SERVER", serverId }));
}

/** Work started after a commit (mail), awaited on shutdown and by tests. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  run(task: () => Promise<unknown>, onError: (error: unknown) => void): void {
    const promise = task().catch(onError);
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
