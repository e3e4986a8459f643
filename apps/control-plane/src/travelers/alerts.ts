// Lockout alerts go to the operators who can act: the tenant's admins and the MSP's admins.
import { deliverWithRetry } from "../mail/index.ts";
import { audit, type TravelersContext } from "./context.ts";
import { lockoutAlertMail, type LockoutAlert } from "./mail-content.ts";

export function alertOperators(ctx: TravelersContext, tenantId: string | null, alert: LockoutAlert): void {
  ctx.background.run(
    async () => {
      const operators = await ctx.prisma.operator.findMany({
        where: {
          disabled: false,
          OR: [{ role: "MSP_ADMIN" }, ...(tenantId ? [{ role: "TENANT_ADMIN" as const, tenantId }] : [])],
        },
        select: { email: true },
      });
      if (operators.length === 0) {
        ctx.logger.warn({ alert: alert.kind }, "no operator to alert about a traveler lockout");
        return;
      }
      const message = lockoutAlertMail(operators.map((operator) => operator.email).sort(), alert, ctx.timeZone);
      const result = await deliverWithRetry(ctx.mailer, message, ctx.mailRetry);
      if (!result.delivered) {
        await audit(ctx.prisma, { actor: "system", action: "mail.failed", tenantId, after: { purpose: alert.kind, error: result.error } }, ctx.now());
      }
    },
    (error) => ctx.logger.error({ err: String(error) }, "lockout alert failed"),
  );
}
