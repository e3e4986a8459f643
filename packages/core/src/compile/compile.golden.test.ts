// The compiled rulesets for representative servers, compared with reviewed golden files.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run packages/core/src/compile
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileIptables, compileNft } from "./index.ts";
import { goldenStates } from "./golden-states.ts";

const goldenDir = fileURLToPath(new URL("./__golden__/", import.meta.url));
const updating = process.env.UPDATE_GOLDEN === "1";

function expectGolden(file: string, actual: string): void {
  const path = `${goldenDir}${file}`;
  if (updating || !existsSync(path)) {
    if (!updating) throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `${file} differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(path, "utf8"));
}

describe.each(Object.keys(goldenStates))("the %s server's firewall", (name) => {
  const state = goldenStates[name]!;

  it("compiles to the reviewed ipset and iptables rulesets", () => {
    const ruleset = compileIptables(state);
    expectGolden(`${name}.ipset`, ruleset.ipsetRestore);
    expectGolden(`${name}.iptables-v4`, ruleset.iptablesV4);
    expectGolden(`${name}.iptables-v6`, ruleset.iptablesV6);
  });

  it("compiles to the reviewed nftables script", () => {
    expectGolden(`${name}.nft`, compileNft(state));
  });

  it("compiles the same intent to the same bytes whatever the input order", () => {
    const shuffled = { ...state, allow: [...state.allow].reverse(), services: [...state.services].reverse() };
    expect(compileNft(shuffled)).toBe(compileNft(state));
    expect(compileIptables(shuffled)).toEqual(compileIptables(state));
  });
});
