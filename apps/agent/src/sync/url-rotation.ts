// Which control-plane replica to try next. Each agent starts at a random one, so a fleet given
// the same list spreads over the replicas instead of all calling the first, and moves one step
// along the list after every ended session or failed attempt, so a dead replica costs one try.
export class UrlRotation {
  private index: number;

  /** `random` is [0, 1) (Math.random by default; injectable so tests are deterministic). */
  constructor(
    private readonly urls: readonly string[],
    random: () => number = Math.random,
  ) {
    if (urls.length === 0) throw new Error("UrlRotation needs at least one URL");
    this.index = Math.min(urls.length - 1, Math.floor(random() * urls.length));
  }

  get current(): string {
    return this.urls[this.index]!;
  }

  /** The URL after the current one (wrapping); the current one again when there is only one. */
  get next(): string {
    return this.urls[(this.index + 1) % this.urls.length]!;
  }

  get size(): number {
    return this.urls.length;
  }

  /** Moves to the next URL and returns it. */
  advance(): string {
    this.index = (this.index + 1) % this.urls.length;
    return this.current;
  }
}
