// Every interval, reads the drop-telemetry counters (firewall/knock-reading.ts), turns them into
// the interval's top knockers (core's KnockTally) and hands them to the outbox for the next
// report. Reads run in the sync loop's queue, never during an apply (a full nft apply recreates
// the sets, and a reading half way would count twice).
import { KnockTally, type KnockCounter, type KnockInterval } from "@gatehouse/core";
import type { KnockIntervalMessage } from "@gatehouse/protocol";
import type { Logger } from "pino";
import type { FirewallBackend } from "../firewall/backend.ts";
import { IptablesBackend } from "../firewall/iptables-backend.ts";
import { NftablesBackend } from "../firewall/nftables-backend.ts";

export type KnockReader = (at: Date) => Promise<KnockCounter[]>;

/** The backends with knock sets; a dry run has none. */
export function knockReaderOf(backend: FirewallBackend): KnockReader | null {
  if (backend instanceof NftablesBackend || backend instanceof IptablesBackend) return (at) => backend.readKnocks(at);
  return null;
}

function knockIntervalMessage(interval: KnockInterval): KnockIntervalMessage {
  return {
    from: interval.from.toISOString(),
    to: interval.to.toISOString(),
    sources: interval.sources,
    packets: interval.packets,
    top: interval.top.map((source) => ({ ...source, firstSeenAt: source.firstSeenAt.toISOString(), lastSeenAt: source.lastSeenAt.toISOString() })),
  };
}

export class KnockTelemetry {
  private timer: NodeJS.Timeout | undefined;
  private tally: KnockTally | null = null;

  constructor(
    private readonly options: {
      read: KnockReader;
      intervalMs: number;
      logger: Logger;
      inQueue: (task: () => Promise<void>) => Promise<void>;
      /** An interval with knocks, for the next report. */
      counted: (interval: KnockIntervalMessage) => void;
    },
  ) {}

  start(): void {
    this.tally = new KnockTally(new Date());
    this.timer = setInterval(() => void this.options.inQueue(() => this.collect()), this.options.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async collect(): Promise<void> {
    if (this.tally === null) return;
    const at = new Date();
    try {
      const interval = this.tally.reading(await this.options.read(at), at);
      if (interval.sources > 0) this.options.counted(knockIntervalMessage(interval));
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not read the drop-telemetry counters");
    }
  }
}
