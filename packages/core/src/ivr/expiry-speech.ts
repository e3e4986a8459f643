// How the IVR says a grant's expiry: "<month> <day> at <hh><mm> [UTC]", the month from our
// own prompts, the day as a number and the time as four digits (24-hour clock), in the
// configured time zone. The email carries the exact timestamp.
import { monthPrompt, type PromptId } from "./prompts.ts";

export interface SpokenExpiry {
  month: PromptId;
  /** Day of the month, 1..31. */
  day: number;
  /** "HHMM", 24-hour clock. */
  time: string;
  /** Spoken after the time; only UTC has a prompt (other zones are the caller's local time). */
  zone: PromptId | null;
}

export function spokenExpiry(expiresAt: Date, timeZone: string): SpokenExpiry {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(expiresAt);
  const part = (type: Intl.DateTimeFormatPartTypes): string => {
    const found = parts.find((candidate) => candidate.type === type);
    if (!found) throw new Error(`no ${type} in formatted expiry`);
    return found.value;
  };
  return {
    month: monthPrompt(Number(part("month"))),
    day: Number(part("day")),
    time: `${part("hour").padStart(2, "0")}${part("minute").padStart(2, "0")}`,
    zone: timeZone === "UTC" || timeZone === "Etc/UTC" ? "utc" : null,
  };
}
