// An IPv4 address typed on a phone keypad, `*` for each dot (`12*34*56*78`), parsed strictly
// so the caller hears exactly why an entry was refused. The keypad syntax is ours, so its
// parser is hand-written (ipaddr.js would accept `010` or three-part forms a caller never meant).
import type { PromptId } from "./prompts.ts";

export type DialedAddressError =
  | "invalid-characters"
  | "empty-part"
  | "part-count"
  | "part-range"
  | "leading-zero";

export type DialedAddressParse =
  | { ok: true; address: string }
  | { ok: false; error: DialedAddressError };

export function parseDialedIPv4(keys: string): DialedAddressParse {
  if (!/^[0-9*]+$/.test(keys)) return { ok: false, error: "invalid-characters" };
  const parts = keys.split("*");
  if (parts.some((part) => part === "")) return { ok: false, error: "empty-part" };
  if (parts.length !== 4) return { ok: false, error: "part-count" };
  if (parts.some((part) => part.length > 3 || Number(part) > 255)) {
    return { ok: false, error: "part-range" };
  }
  if (parts.some((part) => part.length > 1 && part.startsWith("0"))) {
    return { ok: false, error: "leading-zero" };
  }
  return { ok: true, address: parts.join(".") };
}

export const DIALED_ADDRESS_ERROR_PROMPT: Record<DialedAddressError, PromptId> = {
  "invalid-characters": "invalid-entry",
  "empty-part": "address-empty-part",
  "part-count": "address-part-count",
  "part-range": "address-part-range",
  "leading-zero": "address-leading-zero",
};
