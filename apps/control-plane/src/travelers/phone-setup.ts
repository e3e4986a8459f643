// What the Travelers page tells an operator about the phone side, so it never looks ready when
// it is not: the number travelers call (TRAVELER_DID, a display setting: the DID itself lives in
// the PBX that carries it), whether this control plane answers the IVR's FastAGI calls (AGI_SECRET
// set and the listener up), and whether confirmation mail leaves the building (SMTP_URL) or is
// only written to the outbox. Nothing secret: no secret, host or credential is in it.
import type { ControlPlaneApp } from "../app.ts";

export interface PhoneSetup {
  /** The number travelers dial, as configured for display; null = not configured. */
  did: string | null;
  ivr: { on: true; port: number } | { on: false; reason: "no-agi-secret" | "not-listening" };
  mail: { mode: "smtp" } | { mode: "outbox" };
}

export function phoneSetupOf(app: Pick<ControlPlaneApp, "env" | "fastAgiPort">): PhoneSetup {
  const { env } = app;
  let ivr: PhoneSetup["ivr"];
  if (!env.AGI_SECRET) ivr = { on: false, reason: "no-agi-secret" };
  else if (app.fastAgiPort === undefined) ivr = { on: false, reason: "not-listening" };
  else ivr = { on: true, port: app.fastAgiPort };
  return { did: env.TRAVELER_DID ?? null, ivr, mail: env.SMTP_URL ? { mode: "smtp" } : { mode: "outbox" } };
}
