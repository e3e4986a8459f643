import { describe, expect, it } from "vitest";
import { isWithheldCallerId, normaliseCallerId, WITHHELD_CALLER_ID } from "./caller-id.ts";

describe("a caller ID as a lockout key", () => {
  it("is the same key however the number is written", () => {
    const keys = ["+1 (555) 010-0000", "15550100000", "1-555-010-0000", "+15550100000", "0015550100000", "1.555.010.0000", "tel:+1-555-010-0000"].map(normaliseCallerId);
    expect(new Set(keys)).toEqual(new Set(["15550100000"]));
  });

  it("keeps different numbers apart", () => {
    expect(normaliseCallerId("+15550100000")).not.toBe(normaliseCallerId("+15550100001"));
  });

  it("is withheld for anonymous, restricted, empty, zeros and absurdly long caller IDs", () => {
    for (const raw of [undefined, "", "unknown", "anonymous", "Anonymous", "Restricted", "Private", "  ", "0", "000", "1".repeat(21)]) {
      expect(normaliseCallerId(raw)).toBe(WITHHELD_CALLER_ID);
    }
    expect(isWithheldCallerId(normaliseCallerId("anonymous"))).toBe(true);
    expect(isWithheldCallerId(normaliseCallerId("+15550100000"))).toBe(false);
  });
});
