// The one lock order for Server rows: by id, as runMutation's bumpRevisions takes them. A
// statement that updates many Server rows (UPDATE ... FROM, updateMany) locks them in whatever
// order its plan visits them (heap order for a scan or hash join), so a report batch or a
// last-seen flush running beside a fleet-wide change deadlocked with it (40P01). Writers that
// touch many Server rows take this statement first, in the same transaction.
import type { PrismaClient } from "@gatehouse/db";

/** Locks these Server rows in id order, as an UPDATE of non-key columns would (FOR NO KEY UPDATE). */
export function lockServersInIdOrder(prisma: PrismaClient, ids: readonly string[]) {
  const list = JSON.stringify(ids);
  return prisma.$executeRaw`SELECT 1 FROM "Server" WHERE "id" IN (SELECT jsonb_array_elements_text(${list}::jsonb)) ORDER BY "id" FOR NO KEY UPDATE`;
}
