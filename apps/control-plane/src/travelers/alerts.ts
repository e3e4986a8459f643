// Lockout alerts go to the operators who can act, each in a mail of their own (one recipient per
// message, so nobody learns who else was told):
// - a locked account concerns one tenant's traveler: that tenant's admins and the MSP's admins;
// - a refused caller ID or web address is refused fleet-wide, and its failures may have named
//   several tenants' accounts: the MSP's admins only.
// A failed delivery is audited under the recipient's own tenant (null for an MSP admin), so a
// tenant admin never reads another operator's address in an SMTP error.
import type { Prisma } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import { deliverWithRetry } from "../mail/index.ts";
import type { TravelersContext } from "./context.ts";
import { lockoutAlertMail, type LockoutAlert } from "./mail-content.ts";

export function alertOperators(ctx: TravelersContext, tenantId: string | null, alert: LockoutAlert): void {
  ctx.background.run(
    async () => {
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
