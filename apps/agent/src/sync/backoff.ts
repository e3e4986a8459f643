// Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
// "Exponential Backoff And Jitter"), with the ceiling anchored to the outage's clock:
//   delay = random(0, min(cap, max(base, time since the outage began)))
// Each wait is up to as long as the outage has lasted, so attempt times grow geometrically
// (x1.5 per attempt on average) and an agent makes only O(log(outage / base)) attempts before
// reaching the cap. Unlike doubling a ceiling per attempt, the jitter never compounds: after a
// control-plane restart that took T seconds, every agent is back within about T more seconds,
// while 10,000 agents still spread their attempts evenly over that window.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** [0, 1); injectable so tests are deterministic. */
  random?: () => number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
}

export class Backoff {
  private outageSince: number | null = null;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt. */
  next(): number {
    const now = (this.options.now ?? Date.now)();
    this.outageSince ??= now;
    const ceiling = Math.min(this.options.capMs, Math.max(this.options.baseMs, now - this.outageSince));
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }

  /** After a session the hub answered: the next outage starts from the base again. */
  reset(): void {
    this.outageSince = null;
  }
}
