import { describe, expect, it } from "vitest";
import { RollbackHold } from "./commit-confirm.ts";

describe("a revision rolled back too often", () => {
  it("is held after the limit, per revision, until the next confirmed contact", () => {
    const hold = new RollbackHold(3);
    expect([hold.rolledBack(25), hold.rolledBack(25)]).toEqual([false, false]);
    expect(hold.rolledBack(25)).toBe(true);
    expect(hold.isHeld(25)).toBe(true);
    expect(hold.isHeld(26)).toBe(false);
    expect(hold.clear()).toBe(25);
    expect(hold.isHeld(25)).toBe(false);
    expect(hold.timesRolledBack(25)).toBe(0);
    expect(hold.clear()).toBeNull();
  });
});
