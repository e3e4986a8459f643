// The hub's "gather per tick, answer per key" batching (credential lookups, desired-state
// snapshots): what thousands of agents ask for in one turn is loaded together, never more
// loads at once than allowed, and nobody gets an answer loaded before they asked.
import { describe, expect, it } from "vitest";
import { TickBatcher } from "../src/hub/tick-batcher.ts";

/** A load the test finishes by hand, recording every batch it was given. */
function manualLoad() {
  const batches: string[][] = [];
  const pending: { keys: string[]; finish: (error?: Error) => void }[] = [];
  const load = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      batches.push(keys);
      pending.push({
        keys,
        finish: (error) => (error ? reject(error) : resolve(new Map(keys.filter((k) => !k.startsWith("missing")).map((k) => [k, `value of ${k} (load ${batches.indexOf(keys)})`])))),
      });
    });
  return { load, batches, pending };
}

/** A few turns of the event loop: answers delivered, the next batch started. */
async function turn(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe("TickBatcher", () => {
  it("loads the keys asked for in one turn together, once each, and answers each asker with its own key", async () => {
    const { load, batches, pending } = manualLoad();
    const batcher = new TickBatcher({ load, maxBatch: 100, concurrency: 2 });
    const answers = Promise.all(["a", "b", "a", "missing-c"].map((key) => batcher.get(key)));
    await turn();
    expect(batches).toEqual([["a", "b", "missing-c"]]);
    pending[0]!.finish();
    expect(await answers).toEqual(["value of a (load 0)", "value of b (load 0)", "value of a (load 0)", null]);
  });

  it("runs at most `concurrency` loads at once; what is asked meanwhile waits and goes in one later batch", async () => {
    const { load, batches, pending } = manualLoad();
    const batcher = new TickBatcher({ load, maxBatch: 2, concurrency: 2 });
    const first = ["a", "b", "c", "d", "e"].map((key) => batcher.get(key));
    await turn();
    expect(batches).toEqual([["a", "b"], ["c", "d"]]);
    const later = ["f", "g"].map((key) => batcher.get(key));
    await turn();
    expect(batches).toHaveLength(2);
    pending[0]!.finish();
    await first[0];
    await turn();
    expect(batches.slice(2)).toEqual([["e", "f"]]);
    pending[1]!.finish();
    pending[2]!.finish();
    await Promise.all([...first, later[0]]);
    await turn();
    expect(batches.slice(3)).toEqual([["g"]]);
    pending[3]!.finish();
    expect(await Promise.all([...first, ...later])).toEqual(["a", "b", "c", "d", "e", "f", "g"].map((key, i) => `value of ${key} (load ${[0, 0, 1, 1, 2, 2, 3][i]})`));
  });

  it("never answers with a value loaded before the question: a key asked during its load is loaded again", async () => {
    const { load, batches, pending } = manualLoad();
    const batcher = new TickBatcher({ load, maxBatch: 100, concurrency: 4 });
    const early = batcher.get("a");
    await turn();
    const late = batcher.get("a");
    await turn();
    expect(batches).toEqual([["a"], ["a"]]);
    pending[0]!.finish();
    pending[1]!.finish();
    expect([await early, await late]).toEqual(["value of a (load 0)", "value of a (load 1)"]);
  });

  it("rejects the askers of a failed load only, and loads the next batch as usual", async () => {
    const { load, pending } = manualLoad();
    const batcher = new TickBatcher({ load, maxBatch: 1, concurrency: 2 });
    const failing = batcher.get("a");
    const fine = batcher.get("b");
    await turn();
    pending[0]!.finish(new Error("connection reset"));
    pending[1]!.finish();
    await expect(failing).rejects.toThrow("connection reset");
    expect(await fine).toBe("value of b (load 1)");
    const again = batcher.get("a");
    await turn();
    pending[2]!.finish();
    expect(await again).toBe("value of a (load 2)");
  });
});
