// Secrets every replica must hold the same (the traveler page's session signing key): the first
// replica to start draws one and stores it; every replica, that one included, reads back what
// the database holds, so two replicas starting at once still agree. Stored as drawn, not
// hashed: a signing key must be usable (docs/security.md says who can read it).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@gatehouse/db";

export async function sharedSecret(prisma: PrismaClient, name: string): Promise<Buffer> {
  await prisma.clusterSecret.createMany({ data: [{ name, value: randomBytes(32).toString("base64url") }], skipDuplicates: true });
  const { value } = await prisma.clusterSecret.findUniqueOrThrow({ where: { name } });
  return Buffer.from(value, "base64url");
}
