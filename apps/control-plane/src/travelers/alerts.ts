// Lockout alerts go to the operators who can act, each in a mail of their own (one recipient per
// message, so nobody learns who else was told):
// - a locked account concerns one tenant's traveler: that tenant's admins and the MSP's admins;
// - a refused caller ID or web address is refused fleet-wide, and its failures may have named
//   several tenants' accounts: the MSP's admins only.
// A failed delivery is audited under the recipient's own tenant (null for an MSP admin), so a
// tenant admin never reads another operator's address in an SMTP error.
// The lockout is also raised as a traveler.locked_out alert, for the alert rules that hear it
// (alerts/outbox.ts: a webhook, another mailbox), delivered by the alert worker.
import type { Prisma } from "@gatehouse/db";
import { travelerLockedOutAlert } from "../alerts/alert-kinds.ts";
import { raiseAlert } from "../alerts/outbox.ts";
import { writeAuditEvents } from "../audit-writer.ts";
import { deliverWithRetry } from "../mail/index.ts";
import type { TravelersContext } from "./context.ts";
import { lockoutAlertMail, type LockoutAlert } from "./mail-content.ts";

export function alertOperators(ctx: TravelersContext, tenantId: string | null, alert: LockoutAlert): void {
  ctx.background.run(
    async () => {
      await raiseAlert(ctx.prisma, lockoutAsAlert(alert.kind === "account-locked" ? tenantId : null, alert), ctx.now());
      const audience = alertAudience(alert.kind === "account-locked" ? tenantId : null);
      const recipients = await ctx.prisma.operator.findMany({ where: audience, select: { email: true, tenantId: true }, orderBy: { email: "asc" } });
      if (recipients.length === 0) {
        ctx.logger.warn({ alert: alert.kind }, "no operator to alert about a traveler lockout");
        return;
      }
      for (const recipient of recipients) {
        const result = await deliverWithRetry(ctx.mailer, lockoutAlertMail(recipient.email, alert, ctx.timeZone), ctx.mailRetry);
        if (!result.delivered) {
          await writeAuditEvents(ctx.prisma, [{ at: ctx.now(), actor: "system", action: "mail.failed", tenantId: recipient.tenantId, after: { purpose: alert.kind, error: result.error } }]);
        }
      }
    },
    (error) => ctx.logger.error({ err: String(error) }, "lockout alert failed"),
  );
}

/** The MSP's admins, and the given tenant's admins. */
function alertAudience(tenantId: string | null): Prisma.OperatorWhereInput {
  return { disabled: false, OR: [{ role: "MSP_ADMIN" }, ...(tenantId ? [{ role: "TENANT_ADMIN" as const, tenantId }] : [])] };
}

function lockoutAsAlert(tenantId: string | null, alert: LockoutAlert) {
  if (alert.kind === "account-locked") {
    const what = `traveler account ${alert.accountNumber} (${alert.travelerName}) is locked after repeated wrong PINs, until ${alert.until.toISOString()}`;
    return travelerLockedOutAlert(tenantId, what, { accountNumber: alert.accountNumber, travelerName: alert.travelerName, until: alert.until.toISOString() });
  }
  const what = `${alert.subject} is refused fleet-wide after ${alert.failures} wrong PINs`;
  return travelerLockedOutAlert(null, what, { subject: alert.subject, failures: alert.failures });
}
