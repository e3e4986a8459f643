// Server.lastSeenAt for connects and disconnects, written in batches: 10,000 agents
// reconnecting after a restart cost one UPDATE per second instead of 10,000. Each UPDATE locks
// its rows in id order first (server-row-locks.ts), as reports and revision bumps do.
import type { Logger } from "pino";
import type { PrismaClient } from "@gatehouse/db";
import { lockServersInIdOrder } from "./server-row-locks.ts";

export class SeenTracker {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly intervalMs = 1000,
  ) {}

  mark(serverId: string): void {
    this.pending.add(serverId);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending = new Set();
    for (let i = 0; i < ids.length; i += 10_000) {
      try {
        const chunk = ids.slice(i, i + 10_000);
        await this.prisma.$transaction([
          lockServersInIdOrder(this.prisma, chunk),
          this.prisma.server.updateMany({ where: { id: { in: chunk } }, data: { lastSeenAt: this.now() } }),
        ]);
      } catch (error) {
        this.logger.warn({ err: error }, "cannot record when agents were last seen");
      }
    }
  }

  /** Marks the still-connected servers as seen now and writes everything out. */
  async close(connected: string[]): Promise<void> {
    for (const id of connected) this.pending.add(id);
    await this.flush();
  }
}
