import { describe, expect, it } from "vitest";
import { spokenExpiry } from "./expiry-speech.ts";
import { IVR_PROMPT_IDS, monthPrompt } from "./prompts.ts";

describe("how the IVR says when a grant expires", () => {
  it("says month, day and a four-digit UTC time", () => {
    expect(spokenExpiry(new Date("2025-03-14T16:05:00Z"), "UTC")).toEqual({
      month: "month-03",
      day: 14,
      time: "1605",
      zone: "utc",
    });
  });

  it("keeps leading zeros of the time and handles midnight", () => {
    expect(spokenExpiry(new Date("2025-01-01T00:07:00Z"), "UTC")).toMatchObject({
      month: "month-01",
      day: 1,
      time: "0007",
    });
  });

  it("uses the configured zone, which can change the day", () => {
    expect(spokenExpiry(new Date("2025-12-31T23:30:00Z"), "Europe/Paris")).toEqual({
      month: "month-01",
      day: 1,
      time: "0030",
      zone: null,
    });
  });

  it("has a prompt for every month and no other", () => {
    for (let month = 1; month <= 12; month += 1) expect(IVR_PROMPT_IDS).toContain(monthPrompt(month));
    expect(() => monthPrompt(13)).toThrow(RangeError);
  });
});
