// Expired grants close by themselves: the control plane's expiry sweeper deletes expired allow
// entries (a traveler grant's among them) and bumps the revisions in one mutation; this hook,
// inside that same transaction, audits each grant whose last entry just went.
import type { Tx } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import type { ExpirySweeperHooks, SweptEntry } from "../services/expiry-sweeper.ts";

export const grantExpiryHooks: ExpirySweeperHooks = {
  async duringSweep(tx: Tx, entries: readonly SweptEntry[], now: Date): Promise<void> {
    const grantIds = [...new Set(entries.map((entry) => entry.travelerGrantId).filter((id): id is string => id !== null))];
    if (grantIds.length === 0) return;
    const closed = await tx.travelerGrant.findMany({
      where: { id: { in: grantIds }, revokedAt: null, allowEntries: { none: {} } },
      include: { traveler: { select: { tenantId: true } } },
      orderBy: { id: "asc" },
    });
    if (closed.length === 0) return;
    await writeAuditEvents(
      tx,
      closed.map((grant) => ({
        at: now,
        actor: "system",
        action: "traveler.grant.expired",
        tenantId: grant.traveler.tenantId,
        targetType: "travelerGrant",
        targetId: grant.id,
        after: { travelerId: grant.travelerId, address: grant.address, expiresAt: grant.expiresAt.toISOString() },
      })),
    );
  },
};
