// Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
// "Exponential Backoff And Jitter"), with the ceiling anchored to the outage's clock:
//   delay = random(0, min(cap, max(base, fraction x time since the outage began)))
// Attempt times grow geometrically (x(1 + fraction/2) per attempt on average), so a long
// outage costs each agent O(log(outage)) attempts before the cap. Unlike doubling a ceiling per
// attempt, the jitter never compounds: after a control-plane restart that took T seconds,
// every agent is back within fraction x T more seconds (2 s after an 8 s restart with the
// default 1/4), while 10,000 agents still spread their attempts over that window.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Share of the outage so far that the next wait may reach (default 1/4). */
  outageFraction?: number;
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
    const grown = (now - this.outageSince) * (this.options.outageFraction ?? 0.25);
    const ceiling = Math.min(this.options.capMs, Math.max(this.options.baseMs, grown));
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }

  /** How long the outage under way has lasted (from the first delay asked for); 0 when none is. */
  outageMs(): number {
    return this.outageSince === null ? 0 : (this.options.now ?? Date.now)() - this.outageSince;
  }

  /** After a session the hub answered: the next outage starts from the base again. */
  reset(): void {
    this.outageSince = null;
  }
}
