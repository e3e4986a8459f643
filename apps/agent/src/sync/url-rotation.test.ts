import { describe, expect, it } from "vitest";
import { UrlRotation } from "./url-rotation.ts";

const replicas = ["https://cp1.example.net", "https://cp2.example.net", "https://cp3.example.net"];

/** The first `n` URLs a rotation tries: where it starts, then one step per failed attempt. */
function tried(rotation: UrlRotation, n: number): string[] {
  const order = [rotation.current];
  while (order.length < n) order.push(rotation.advance());
  return order;
}

describe("which control-plane replica an agent tries next", () => {
  it("starts where the random draw points and moves one replica along per attempt, wrapping", () => {
    expect(tried(new UrlRotation(replicas, () => 0), 4)).toEqual([replicas[0], replicas[1], replicas[2], replicas[0]]);
    expect(tried(new UrlRotation(replicas, () => 0.5), 4)).toEqual([replicas[1], replicas[2], replicas[0], replicas[1]]);
    expect(tried(new UrlRotation(replicas, () => 0.99), 4)).toEqual([replicas[2], replicas[0], replicas[1], replicas[2]]);
  });

  it("names the replica after the current one without moving", () => {
    const rotation = new UrlRotation(replicas, () => 0.99);
    expect(rotation.next).toBe(replicas[0]);
    expect(rotation.current).toBe(replicas[2]);
  });

  it("spreads a fleet over the replicas instead of sending every agent to the first", () => {
    const firsts = new Map<string, number>();
    for (let agent = 0; agent < 3000; agent++) {
      const first = new UrlRotation(replicas).current;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect([...firsts.keys()].sort()).toEqual(replicas);
    for (const count of firsts.values()) expect(count).toBeGreaterThan(800);
  });

  it("with one URL (a load balancer's) always tries that one", () => {
    expect(tried(new UrlRotation(["https://lb.example.net"]), 3)).toEqual(["https://lb.example.net", "https://lb.example.net", "https://lb.example.net"]);
  });
});
