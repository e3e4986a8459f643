// How long one connection attempt may take, upgrade included. A replica that is down and
// silent (a dead host, a partition) must not hold an agent for TCP's two minutes of SYN
// retries, so the first attempt of an outage is cut at BASE. But when a replica dies, its
// thousands of agents queue at the survivors' listen sockets, which a Node process drains one
// connection per turn of its event loop (libuv >= 1.45); an agent that gave up after 10 s in
// that queue leaves a dead connection the survivor still accepts, and rejoins the queue at the
// back, so a fixed timeout turns a long queue into a livelock. Each later attempt of the same
// outage therefore gets as long as the outage has lasted on top of BASE, up to CAP.

/** The first attempt's limit (and the limit of every attempt when no outage is under way). */
export const BASE_CONNECT_TIMEOUT_MS = 10_000;
/** No attempt waits longer than this, however long the outage. */
const MAX_CONNECT_TIMEOUT_MS = 60_000;

export interface ConnectTimeoutOptions {
  baseMs: number;
  capMs: number;
}

const DEFAULT_CONNECT_TIMEOUTS: ConnectTimeoutOptions = { baseMs: BASE_CONNECT_TIMEOUT_MS, capMs: MAX_CONNECT_TIMEOUT_MS };

/** The limit for an attempt made `outageMs` into an outage (0 when none is under way). */
export function connectTimeoutMs(outageMs: number, { baseMs, capMs }: ConnectTimeoutOptions = DEFAULT_CONNECT_TIMEOUTS): number {
  return Math.min(capMs, baseMs + Math.max(0, outageMs));
}
