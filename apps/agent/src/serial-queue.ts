// Runs tasks one at a time, in the order they were queued. The agent's one queue: a backend's
// operations (two applies interleaving would share the temporary sets, a verify during an apply
// would read a half-finished change as drift), the runtime's changes of what is enforced, and
// the status file's writes (an older snapshot never lands after a newer one).
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** @param onError sees every task that fails (the caller's promise rejects all the same). */
  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  /** Runs `task` once every task queued before it has settled; a failed task does not stop the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(this.onError);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
