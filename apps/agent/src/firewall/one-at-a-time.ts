// A backend runs one operation at a time: two applies interleaving would share the temporary
// sets, and a verify during an apply would read a half-finished change as drift.
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
