// Per operator, one call runs at a time and a few more wait their turn; beyond that a call is
// refused at once (TOO_MANY_REQUESTS) before it parses its input or touches the database. One
// signed-in account, however many tokens or connections it opens, can therefore keep at most
// one query and its answer busy at a time: a viewer firing batches of audit pages back to back
// no longer starves /healthz (bench/healthz-under-batching.bench.ts; two at a time still
// pushed its p99 past 100 ms on the 2-core machine).
import { GatehouseError } from "@gatehouse/core";
import { ConcurrencyLimit } from "../hub/concurrency-limit.ts";

export const OPERATOR_CALLS_RUNNING = 1;
/** With the running one, two of the console's full batches (10 calls each, http/request-limits.ts). */
export const OPERATOR_CALLS_WAITING = 19;

interface OperatorCalls {
  limit: ConcurrencyLimit;
  /** Running + waiting. */
  busy: number;
}

export class OperatorCallLimit {
  private readonly byOperator = new Map<string, OperatorCalls>();

  constructor(
    private readonly running = OPERATOR_CALLS_RUNNING,
    private readonly waiting = OPERATOR_CALLS_WAITING,
  ) {}

  /** Calls of this operator running or waiting now. */
  inHand(operatorId: string): number {
    return this.byOperator.get(operatorId)?.busy ?? 0;
  }

  async run<T>(operatorId: string, call: () => Promise<T>): Promise<T> {
    let calls = this.byOperator.get(operatorId);
    if (calls === undefined) this.byOperator.set(operatorId, (calls = { limit: new ConcurrencyLimit(this.running), busy: 0 }));
    if (calls.busy >= this.running + this.waiting) {
      throw new GatehouseError(
        "RATE_LIMITED",
        `too many requests at once: ${this.running} of yours runs at a time and ${this.waiting} more may wait; wait for their answers before sending more`,
      );
    }
    calls.busy += 1;
    try {
      return await calls.limit.run(call);
    } finally {
      calls.busy -= 1;
      if (calls.busy === 0) this.byOperator.delete(operatorId);
    }
  }
}
