// The words of an operator invitation. The link's token appears only in the mail to the person
// invited; an address that already has an account gets the same subject and no link (its
// invitation can never be used), so the inviter's side of the two is identical.
import type { OperatorRole } from "@gatehouse/db";
import type { MailMessage } from "../mail/index.ts";
import { formatInstant } from "../travelers/mail-content.ts";

const ROLE_WORDS: Record<OperatorRole, string> = {
  MSP_ADMIN: "an MSP admin (the whole fleet)",
  TENANT_ADMIN: "a tenant admin",
  VIEWER: "a viewer (read only)",
};

export interface InviteMailInput {
  to: string;
  name: string;
  inviterName: string;
  role: OperatorRole;
  tenantName: string | null;
  expiresAt: Date;
  timeZone: string;
}

const SUBJECT = "You are invited to Gatehouse";

function roleLine(input: InviteMailInput): string {
  return `${input.inviterName} invited you to Gatehouse as ${ROLE_WORDS[input.role]}${input.tenantName ? ` of ${input.tenantName}` : ""}.`;
}

/** The invitation with its single-use link. */
export function inviteMail(input: InviteMailInput, url: string): MailMessage {
  return {
    to: input.to,
    subject: SUBJECT,
    text: [
      `Hello ${input.name},`,
      "",
      roleLine(input),
      "",
      "Open this link to choose your password. It works once, until",
      `${formatInstant(input.expiresAt, input.timeZone)} (${input.expiresAt.toISOString()}):`,
      "",
      url,
      "",
      "If you did not expect this, ignore this mail: nothing happens until the link is used.",
      "",
    ].join("\n"),
  };
}

/** To an address that already signs in: no link, and what to do instead. */
export function alreadyAnOperatorMail(input: InviteMailInput): MailMessage {
  return {
    to: input.to,
    subject: SUBJECT,
    text: [
      "Hello,",
      "",
      roleLine(input),
      "",
      "This address already has a Gatehouse account, so there is nothing to accept: sign in",
      "with it as before. If you forgot its password, ask an administrator to set a new one.",
      "",
    ].join("\n"),
  };
}
