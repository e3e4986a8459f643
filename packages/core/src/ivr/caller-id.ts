// Caller IDs as lockout keys. A caller ID is free text the caller (or their carrier) chooses, so
// only its digits count: "+1 (555) 010-0000", "1-555-010-0000", "15550100000" and
// "0015550100000" (00 = the international prefix) are one key. National forms ("0555 …" for a
// number also seen as "+49 555 …") cannot be tied to their country code without knowing the
// caller's country, so they stay distinct keys. No digits ("anonymous", "Restricted", "",
// "unknown") means withheld.

export const WITHHELD_CALLER_ID = "withheld";

/** E.164 allows 15 digits; anything much longer is not a telephone number. */
const MAX_DIGITS = 20;

export function normaliseCallerId(raw: string | undefined): string {
  const digits = (raw ?? "").replace(/[^0-9]/g, "").replace(/^00/, "");
  if (digits === "" || digits.length > MAX_DIGITS || /^0+$/.test(digits)) return WITHHELD_CALLER_ID;
  return digits;
}

export function isWithheldCallerId(callerId: string): boolean {
  return callerId === WITHHELD_CALLER_ID;
}
