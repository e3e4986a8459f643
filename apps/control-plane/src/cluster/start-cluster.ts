// Makes this control plane one replica: its row in ControlPlaneReplica (beating), and, on
// PostgreSQL, the cluster link (LISTEN for the other replicas' changes, NOTIFY for ours, the
// leader lock). On PGlite, or on a client a test made without a URL, it is alone: always the
// leader, nobody to tell.
import type { PrismaClient } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import type { Logger } from "../logger.ts";
import { ClusterLink } from "./cluster-link.ts";
import { ALONE, type Leadership } from "./leadership.ts";
import { HEARTBEAT_INTERVAL_MS, ReplicaRegistry } from "./replica-registry.ts";

export interface ClusterOptions {
  prisma: PrismaClient;
  bus: RevisionBus;
  logger: Logger;
  /** The PostgreSQL database every replica shares; null = this process is the only replica. */
  databaseUrl: string | null;
  listenUrl: string;
  /** Tests: a faster leader poll. */
  leaderPollMs?: number;
  /** Our row was reaped while we were frozen: the hub writes its presence again. */
  onReaped?: () => void;
}

/** A once-only job: started when this replica is elected, stopped when it loses the lock. */
interface LeaderJob {
  start(): void;
  /** May return the work still under way, which close() waits for before the database goes. */
  stop(): void | Promise<void>;
}

export interface Cluster {
  replica: ReplicaRegistry;
  leadership: Leadership;
  /** Null when alone. */
  link: ClusterLink | null;
  /** Runs `job` on this replica only while it leads (started on election, stopped on loss). */
  whileLeader(job: LeaderJob): void;
  close(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const logger = options.logger.child({ component: "cluster" });
  const replica = new ReplicaRegistry({ prisma: options.prisma, logger, listenUrl: options.listenUrl, onReaped: options.onReaped });
  await replica.register();
  let link: ClusterLink | null = null;
  if (options.databaseUrl !== null) {
    link = new ClusterLink({ databaseUrl: options.databaseUrl, replicaId: replica.id, bus: options.bus, logger, leaderPollMs: options.leaderPollMs });
    try {
      await link.start();
    } catch (error) {
      await replica.close();
      throw error;
    }
    options.bus.announceThrough(link);
  }
  const leadership = link ?? ALONE;
  const jobs: { job: LeaderJob; unsubscribe: () => void }[] = [];
  const whileLeader = (job: LeaderJob) => {
    jobs.push({ job, unsubscribe: leadership.onChange((leader) => (leader ? job.start() : void job.stop())) });
  };
  whileLeader(deadReplicaReaper(replica, logger));
  return {
    replica,
    leadership,
    link,
    whileLeader,
    close: async () => {
      for (const { job, unsubscribe } of jobs) {
        unsubscribe();
        await job.stop();
      }
      await link?.close();
      await replica.close();
    },
  };
}

function deadReplicaReaper(replica: ReplicaRegistry, logger: Logger): LeaderJob {
  let timer: NodeJS.Timeout | null = null;
  const reap = () => void replica.reapDead().catch((error: unknown) => logger.warn({ err: error }, "cannot reap dead replicas"));
  return {
    start() {
      if (timer) return;
      reap();
      timer = setInterval(reap, HEARTBEAT_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
