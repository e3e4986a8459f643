// The hub's open `set-lookup` requests (gatehouse explain): each waits a bounded time for the
// answer of the agent it was sent to. An answer is taken only from that agent's connection and
// only for an id that agent was asked, so one agent cannot answer for another server; what it
// says remains its own claim about its own server.
import { randomUUID } from "node:crypto";
import { SET_LOOKUP_VERSION, type SetLookupAnswer, type SetLookupRequest } from "@gatehouse/protocol";

/** What the control plane learned from the agent's kernel, or why it learned nothing. */
export type LiveSetLookup =
  | { status: "answered"; backend: SetLookupAnswer["backend"]; groups: SetLookupAnswer["groups"]; error: string | null }
  | { status: "offline" }
  | { status: "unsupported" }
  | { status: "no-answer"; waitedMs: number };

/** Open requests at once, hub-wide: beyond it a lookup is refused rather than queued. */
const MAX_OPEN_LOOKUPS = 256;

interface OpenLookup {
  serverId: string;
  settle: (result: LiveSetLookup) => void;
}

export class SetLookups {
  private readonly open = new Map<string, OpenLookup>();

  /** Sends a request through `send` and waits up to `timeoutMs` for its answer. */
  ask(serverId: string, address: string, timeoutMs: number, send: (request: SetLookupRequest) => void): Promise<LiveSetLookup> {
    if (this.open.size >= MAX_OPEN_LOOKUPS) return Promise.resolve({ status: "no-answer", waitedMs: 0 });
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ status: "no-answer", waitedMs: timeoutMs }), timeoutMs);
      const settle = (result: LiveSetLookup) => {
        clearTimeout(timer);
        this.open.delete(requestId);
        resolve(result);
      };
      this.open.set(requestId, { serverId, settle });
      send({ type: "set-lookup", version: SET_LOOKUP_VERSION, requestId, address });
    });
  }

  /** An answer from `serverId`'s connection; answers to ids it was not asked are dropped. */
  answered(serverId: string, answer: SetLookupAnswer): void {
    const open = this.open.get(answer.requestId);
    if (open === undefined || open.serverId !== serverId) return;
    open.settle({ status: "answered", backend: answer.backend, groups: answer.groups, error: answer.error ?? null });
  }

  /** Every open request of `serverId` ends as offline (its connection closed). */
  disconnected(serverId: string): void {
    for (const open of [...this.open.values()]) if (open.serverId === serverId) open.settle({ status: "offline" });
  }
}
