// Operators' view of travelers' grants: a page of them, newest first, each with its status.
import type { Prisma, PrismaClient, TravelerGrant } from "@gatehouse/db";
import { afterCursor, encodeCursor, iso, pageOf, timeOrder, type PageRequest } from "../services/listing.ts";

export interface GrantFilter extends PageRequest {
  travelerId?: string | undefined;
  tenantId?: string | undefined;
  /** Neither revoked nor expired. */
  activeOnly: boolean;
}

export function grantView(grant: TravelerGrant, now: Date) {
  const status = grant.revokedAt ? "revoked" : grant.expiresAt <= now ? "expired" : "active";
  return {
    id: grant.id,
    travelerId: grant.travelerId,
    address: grant.address,
    channel: grant.channel,
    status,
    createdAt: iso(grant.createdAt),
    expiresAt: iso(grant.expiresAt),
    revokedAt: iso(grant.revokedAt),
    mailedAt: iso(grant.mailedAt),
    mailError: grant.mailError,
  };
}

export async function listGrants(prisma: PrismaClient, filter: GrantFilter, now: Date) {
  const where: Prisma.TravelerGrantWhereInput = {
    AND: [
      filter.travelerId ? { travelerId: filter.travelerId } : {},
      filter.tenantId ? { traveler: { tenantId: filter.tenantId } } : {},
      filter.activeOnly ? { revokedAt: null, expiresAt: { gt: now } } : {},
      afterCursor<Prisma.TravelerGrantWhereInput>("createdAt", filter.cursor),
    ],
  };
  const rows = await prisma.travelerGrant.findMany({ where, orderBy: timeOrder("createdAt"), take: filter.limit + 1 });
  const { page, nextCursor } = pageOf(rows, filter.limit, (last) => encodeCursor(last.createdAt, last.id));
  return { grants: page.map((grant) => grantView(grant, now)), nextCursor };
}
