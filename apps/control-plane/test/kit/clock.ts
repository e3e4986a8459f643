// The clock a control plane under test reads: fixed at a known instant unless the test moves
// it, so expiry is tested without waiting; or following the wall clock, for tests whose
// other parts (a CLI, a browser, an agent) read real time too.
const START = Date.parse("2026-03-01T12:00:00Z");

export class TestClock {
  private offset = 0;

  /** A clock standing at `start` (epoch ms) until moved. */
  constructor(private readonly start: number | "wall" = START) {}

  /** A clock that follows the wall clock, moved by `advance` like any other. */
  static wall(): TestClock {
    return new TestClock("wall");
  }

  now = (): Date => new Date(this.base() + this.offset);

  advance(ms: number): void {
    this.offset += ms;
  }

  set(at: Date): void {
    this.offset = at.getTime() - this.base();
  }

  private base(): number {
    return this.start === "wall" ? Date.now() : this.start;
  }
}
