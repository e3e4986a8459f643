// What the travelers service needs from the running control plane, passed in (never imported
// globals), so tests hand it a test database, a test SMTP server and a fixed clock.
import type { Prisma, PrismaClient } from "@gatehouse/db";
import type { Mailer, RetryPolicy } from "../mail/index.ts";

export interface TravelersLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** The one way a change reaches the allowlist (see the control plane's runMutation). */
export interface MutationRequest {
  actor: string;
  action: string;
  tenantId: string | null;
  targetType: string;
}

export interface MutationWork<T> {
  value: T;
  /** Servers whose desired state changed: their revisions are bumped in the transaction. */
  serverIds: string[];
  targetId?: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
}

/** One transaction: the work, its audit event and the revision bumps; publish after commit. */
export type RunMutation = <T>(request: MutationRequest, work: (tx: Tx) => Promise<MutationWork<T>>) => Promise<T>;

export interface TravelersContext {
  prisma: PrismaClient;
  mutate: RunMutation;
  mailer: Mailer;
  mailRetry: RetryPolicy;
  logger: TravelersLogger;
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

export type Tx = Prisma.TransactionClient;

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
