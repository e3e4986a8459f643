import { describe, expect, it } from "vitest";
import { lockoutRefusal, lockoutSubjects, longestLockoutWindowMs, type LockoutPolicy } from "./lockout.ts";

const policy: LockoutPolicy = {
  pair: { max: 5, windowMs: 15 * 60_000 },
  account: { max: 20, windowMs: 60 * 60_000 },
  source: { max: 10, windowMs: 60 * 60_000 },
};
const counts = (pair: number, account: number, source: number) => ({ pair, account, source });

describe("lockouts strangers cannot use", () => {
  it("a stranger's failures on the account do not refuse a known source", () => {
    expect(lockoutRefusal(counts(0, 500, 0), true, policy)).toBeNull();
    expect(lockoutRefusal(counts(0, 500, 0), false, policy)).toBe("account");
  });

  it("a source's own failures on the account refuse it, known or not", () => {
    expect(lockoutRefusal(counts(5, 5, 5), true, policy)).toBe("pair");
    expect(lockoutRefusal(counts(4, 4, 4), true, policy)).toBeNull();
  });

  it("an unknown source spraying many accounts is refused", () => {
    expect(lockoutRefusal(counts(0, 0, 10), false, policy)).toBe("source");
    expect(lockoutRefusal(counts(0, 0, 10), true, policy)).toBeNull();
  });

  it("a withheld caller ID is counted only under its account: strangers who share it cannot lock each other out", () => {
    const withheld = lockoutSubjects("pin", "4711", { key: "caller:withheld", sharedByStrangers: true });
    expect(withheld).toEqual({ pair: null, account: "pin|4711", source: null });
    const caller = lockoutSubjects("pin", "4711", { key: "caller:15550100000", sharedByStrangers: false });
    expect(caller.source).toBe("pin|*|caller:15550100000");
  });

  it("keeps failures as long as the longest window", () => {
    expect(longestLockoutWindowMs(policy)).toBe(60 * 60_000);
  });
});
