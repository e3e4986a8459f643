import { describe, expect, it } from "vitest";
import { UrlRotation } from "./url-rotation.ts";

const replicas = ["https://cp1.example.net", "https://cp2.example.net", "https://cp3.example.net", "https://cp4.example.net"];

/** The first `n` URLs a rotation tries: where it starts, then one step per failed attempt. */
function tried(rotation: UrlRotation, n: number): string[] {
  const order = [rotation.current];
  while (order.length < n) order.push(rotation.advance());
  return order;
}

/** A repeatable [0, 1) sequence (a linear congruential generator), so orders are drawn as in the field but the same every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("which control-plane replica an agent tries next", () => {
  it("tries every replica once per round, in the same order each round", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const attempts = tried(new UrlRotation(replicas, seeded(seed)), 12);
      expect([...attempts.slice(0, 4)].sort()).toEqual(replicas);
      expect(attempts.slice(4, 8)).toEqual(attempts.slice(0, 4));
      expect(attempts.slice(8, 12)).toEqual(attempts.slice(0, 4));
    }
  });

  it("names the replica it will try after the current one without moving", () => {
    const rotation = new UrlRotation(replicas, seeded(7));
    const [first, second] = tried(new UrlRotation(replicas, seeded(7)), 2);
    expect(rotation.current).toBe(first);
    expect(rotation.next).toBe(second);
    expect(rotation.current).toBe(first);
  });

  it("spreads a fleet over the replicas instead of sending every agent to the first", () => {
    const firsts = new Map<string, number>();
    for (let agent = 0; agent < 4000; agent++) {
      const first = new UrlRotation(replicas).current;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect([...firsts.keys()].sort()).toEqual(replicas);
    for (const count of firsts.values()) expect(count).toBeGreaterThan(800);
  });

  it("spreads the agents of a replica that died over all the others, not onto the one after it in the list", () => {
    const movedTo = new Map<string, number>();
    for (let agent = 0; agent < 12_000; agent++) {
      const rotation = new UrlRotation(replicas);
      if (rotation.current !== replicas[1]) continue;
      const next = rotation.advance();
      movedTo.set(next, (movedTo.get(next) ?? 0) + 1);
    }
    expect([...movedTo.keys()].sort()).toEqual([replicas[0], replicas[2], replicas[3]]);
    for (const count of movedTo.values()) expect(count).toBeGreaterThan(800);
  });

  it("with one URL (a load balancer's) always tries that one", () => {
    expect(tried(new UrlRotation(["https://lb.example.net"]), 3)).toEqual(["https://lb.example.net", "https://lb.example.net", "https://lb.example.net"]);
  });
});
