// Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
// "Exponential Backoff And Jitter"): delay = random(0, min(cap, base * 2^attempt)). Full
// jitter spreads 10,000 agents reconnecting after a control-plane restart.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call doubles the ceiling up to the cap. */
  next(): number {
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }

  /** After a connection that worked: start again from the base. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
