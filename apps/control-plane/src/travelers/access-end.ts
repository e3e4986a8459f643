// What a traveler can still do without typing the PIN ends when an operator resets the PIN or
// disables them: their page sessions (the credential version moves on, so every session signed
// with the old one is refused) and their unused single-use links (deleted). It runs inside the
// reset's or disable's own transaction, so there is no moment when the new PIN is set, or the
// traveler disabled, while an old session or link still works. (Deleting a traveler deletes
// their links with them, and a session of a traveler who no longer exists is refused.)
import type { Tx } from "@gatehouse/db";

export interface EndedAccess {
  linksEnded: number;
}

export async function endTravelerAccess(tx: Tx, travelerId: string): Promise<EndedAccess> {
  await tx.traveler.update({ where: { id: travelerId }, data: { credentialVersion: { increment: 1 } } });
  const links = await tx.travelerLink.deleteMany({ where: { travelerId, usedAt: null } });
  return { linksEnded: links.count };
}
