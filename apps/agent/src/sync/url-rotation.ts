// Which control-plane replica to try next. Each agent tries the replicas in its own order, a
// shuffle of the list drawn once at start: a fleet given the same list spreads over the replicas
// instead of all calling the first, and when a replica dies its agents move on to their own
// next ones, spread evenly over the survivors, instead of all landing on the replica after it
// in the list (which would take a dead replica's whole share at once). The rotation moves one
// step along its order after every ended session or failed attempt, so a dead replica costs one
// try per round.
export class UrlRotation {
  private readonly order: readonly string[];
  private index = 0;

  /** `random` is [0, 1) (Math.random by default; injectable so tests are deterministic). */
  constructor(urls: readonly string[], random: () => number = Math.random) {
    if (urls.length === 0) throw new Error("UrlRotation needs at least one URL");
    this.order = shuffled(urls, random);
  }

  get current(): string {
    return this.order[this.index]!;
  }

  /** The URL after the current one (wrapping); the current one again when there is only one. */
  get next(): string {
    return this.order[(this.index + 1) % this.order.length]!;
  }

  get size(): number {
    return this.order.length;
  }

  /** Moves to the next URL and returns it. */
  advance(): string {
    this.index = (this.index + 1) % this.order.length;
    return this.current;
  }
}

/**
 * Fisher-Yates: every order equally likely (four lines; no dependency for them). Drawn so that
 * a draw of 0 keeps the list's own order, which is what tests and `enroll --url` with an
 * injected draw rely on.
 */
function shuffled(items: readonly string[], random: () => number): string[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = i - Math.min(i, Math.floor(random() * (i + 1)));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
