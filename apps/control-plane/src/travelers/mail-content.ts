// The words of the mails travelers and operators receive. Never a PIN; a link's token only in
// the link mail itself (which goes to the traveler alone).
import type { MailMessage } from "../mail/index.ts";

export interface GrantMailInput {
  travelerName: string;
  to: string;
  address: string;
  serverNames: string[];
  services: string[];
  expiresAt: Date;
  timeZone: string;
  channel: "IVR" | "LINK" | "OPERATOR";
}

const CHANNEL_WORDS = { IVR: "by phone", LINK: "through your link", OPERATOR: "by an operator" } as const;

export function grantConfirmationMail(input: GrantMailInput): MailMessage {
  const servers = input.serverNames.length > 0 ? input.serverNames.map((name) => `  - ${name}`) : ["  (no servers yet)"];
  return {
    to: input.to,
    subject: `Gatehouse: ${input.address} is allowed until ${formatInstant(input.expiresAt, input.timeZone)}`,
    text: [
      `Hello ${input.travelerName},`,
      "",
      `Your address ${input.address} was allowed ${CHANNEL_WORDS[input.channel]}.`,
      "",
      "It is allowed on these servers:",
      ...servers,
      "",
      `For these services: ${input.services.join(", ")}`,
      `Until: ${formatInstant(input.expiresAt, input.timeZone)}`,
      `       (${input.expiresAt.toISOString()})`,
      "",
      "If this was not you, tell your administrator at once.",
      "",
    ].join("\n"),
  };
}

export function grantLinkMail(input: { travelerName: string; to: string; url: string; expiresAt: Date; timeZone: string }): MailMessage {
  return {
    to: input.to,
    subject: "Gatehouse: your link to allow this device",
    text: [
      `Hello ${input.travelerName},`,
      "",
      "Open this link on the device you want to allow. It works once,",
      `until ${formatInstant(input.expiresAt, input.timeZone)}:`,
      "",
      input.url,
      "",
      "The page shows the address your device connects from and allows",
      "it when you press the button.",
      "",
      "If you did not ask for this link, ignore this mail and tell your",
      "administrator.",
      "",
    ].join("\n"),
  };
}

export type LockoutAlert =
  | { kind: "account-locked"; travelerName: string; accountNumber: string; until: Date; lastSubject: string }
  | { kind: "caller-blocked"; subject: string; failures: number; travelerName: string | null };

/** One recipient per alert mail: nobody sees who else was told. */
export function lockoutAlertMail(to: string, alert: LockoutAlert, timeZone: string): MailMessage {
  if (alert.kind === "account-locked") {
    return {
      to,
      subject: `Gatehouse alert: traveler account ${alert.accountNumber} locked`,
      text: [
        `The traveler account ${alert.accountNumber} (${alert.travelerName}) was locked`,
        `after repeated wrong PINs, until ${formatInstant(alert.until, timeZone)}, to every`,
        "phone and address it was not used from before (those still get in).",
        `The last attempt came from ${describeSubject(alert.lastSubject)}.`,
        "",
        "If the traveler forgot the PIN, reset it; otherwise someone may be",
        "guessing it.",
        "",
      ].join("\n"),
    };
  }
  return {
    to,
    subject: `Gatehouse alert: ${describeSubject(alert.subject)} refused`,
    text: [
      `${describeSubject(alert.subject)} had ${alert.failures} failed traveler logins within an hour`,
      "and is refused for now.",
      alert.travelerName ? `The last attempt named the account of ${alert.travelerName}.` : "",
      "",
    ].join("\n"),
  };
}

/** "caller:+1555..." -> "caller ID +1555...", "web:198.51.100.4" -> "web address 198.51.100.4" */
function describeSubject(subject: string): string {
  const [kind, ...rest] = subject.split(":");
  const value = rest.join(":");
  return kind === "caller" ? `caller ID ${value}` : kind === "web" ? `web address ${value}` : subject;
}

export function formatInstant(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone }).format(instant) + ` (${timeZone})`;
}
