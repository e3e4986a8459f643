// Traveler accounts as operators manage them. Every change is a mutation (audited; ending grants
// bumps revisions). The PIN is hashed on the way in and never leaves again, except a PIN the
// system generated, returned once to the operator who asked for it.
import { GatehouseError, lookupServices, customServiceDefinition, type CustomServiceInput } from "@gatehouse/core";
import { Prisma, type Traveler, type Tx } from "@gatehouse/db";
import { afterKeyCursor, encodeKeyCursor, keyOrder, LIST_PAGE_MAX, pageOf } from "../services/listing.ts";
import { runMutation } from "../services/mutation.ts";
import { mutationBy, serversAffected, type TravelersContext } from "./context.ts";
import { endGrant } from "./grants.ts";
import { drawAccountNumber } from "./account-number.ts";
import { endTravelerAccess } from "./access-end.ts";
import { generatePin, hashPin } from "./pin.ts";
import { forgetPinFailures } from "./verification.ts";

/** A traveler as the API shows it: everything but the PIN hash and the page sessions' version. */
export type TravelerView = Omit<Traveler, "pinHash" | "credentialVersion">;

function travelerView(traveler: Traveler): TravelerView {
  const { pinHash: _hidden, credentialVersion: _version, ...view } = traveler;
  return view;
}

export interface TravelerSettings {
  name: string;
  email: string;
  scopeGroups: string[];
  scopeServerIds: string[];
  services: string[];
  grantLifetimeHours: number;
  maxActiveGrants: number;
  enabled: boolean;
}

export interface NewTraveler extends TravelerSettings {
  tenantId: string;
  /** Omitted: a PIN is generated and returned once. */
  pin?: string;
}

/** Draws before giving up; two collisions in a row are already a one-in-billions event. */
const ACCOUNT_NUMBER_DRAWS = 5;

/** Create a traveler with an account number the control plane draws (retried if it is taken). */
export async function createTraveler(
  ctx: TravelersContext,
  actor: string,
  input: NewTraveler,
  drawNumber: () => string = drawAccountNumber,
): Promise<{ traveler: TravelerView; generatedPin: string | null }> {
  const generatedPin = input.pin ? null : generatePin();
  const pinHash = await hashPin(input.pin ?? generatedPin ?? "");
  const { pin: _pin, ...fields } = input;
  for (let draw = 1; ; draw += 1) {
    try {
      const traveler = await runMutation(mutationBy(ctx, actor), "traveler.created", async (tx) => {
        await checkSettings(tx, input.tenantId, input);
        const created = await tx.traveler.create({ data: { ...fields, accountNumber: drawNumber(), pinHash, createdAt: ctx.now() } });
        return { result: travelerView(created), audit: { tenantId: input.tenantId, targetType: "traveler", targetId: created.id, after: auditView(created) }, affected: [] };
      });
      return { traveler, generatedPin };
    } catch (error) {
      if (!isTakenAccountNumber(error)) throw error;
      if (draw >= ACCOUNT_NUMBER_DRAWS) throw new GatehouseError("CONFLICT", "no free account number was found; try again");
    }
  }
}

export async function updateTraveler(
  ctx: TravelersContext,
  actor: string,
  travelerId: string,
  patch: Partial<TravelerSettings>,
): Promise<TravelerView> {
  const existing = await findTraveler(ctx, travelerId);
  return runMutation(mutationBy(ctx, actor), "traveler.updated", async (tx) => {
    const before = await tx.traveler.findUniqueOrThrow({ where: { id: travelerId } });
    const merged = { ...before, ...patch };
    await checkSettings(tx, before.tenantId, merged);
    const disabling = patch.enabled === false;
    const serverIds = disabling ? await endActiveGrants(tx, travelerId, ctx.now()) : [];
    const ended = disabling ? await endTravelerAccess(tx, travelerId) : null;
    const updated = await tx.traveler.update({ where: { id: travelerId }, data: patch });
    const after = { ...auditView(updated), ...ended };
    const audit = { tenantId: existing.tenantId, targetType: "traveler", targetId: travelerId, before: auditView(before), after };
    return { result: travelerView(updated), audit, affected: serversAffected(serverIds) };
  });
}

/** Set the PIN (or generate one, returned once); clears any lockout, ends page sessions and unused links. */
export async function resetPin(
  ctx: TravelersContext,
  actor: string,
  travelerId: string,
  pin: string | undefined,
): Promise<{ generatedPin: string | null }> {
  const existing = await findTraveler(ctx, travelerId);
  const generatedPin = pin ? null : generatePin();
  const pinHash = await hashPin(pin ?? generatedPin ?? "");
  await runMutation(mutationBy(ctx, actor), "traveler.pin.reset", async (tx) => {
    await tx.traveler.update({ where: { id: travelerId }, data: { pinHash, lockedUntil: null } });
    await forgetPinFailures(tx, existing.accountNumber);
    const ended = await endTravelerAccess(tx, travelerId);
    return { result: null, audit: { tenantId: existing.tenantId, targetType: "traveler", targetId: travelerId, after: { generated: generatedPin !== null, ...ended } }, affected: [] };
  });
  return { generatedPin };
}

/** Delete a traveler; their grants end first (the agents close them). */
export async function deleteTraveler(ctx: TravelersContext, actor: string, travelerId: string): Promise<void> {
  const existing = await findTraveler(ctx, travelerId);
  await runMutation(mutationBy(ctx, actor), "traveler.deleted", async (tx) => {
    const serverIds = await endActiveGrants(tx, travelerId, ctx.now());
    const deleted = await tx.traveler.delete({ where: { id: travelerId } });
    return { result: null, audit: { tenantId: existing.tenantId, targetType: "traveler", targetId: travelerId, before: auditView(deleted) }, affected: serversAffected(serverIds) };
  });
}

export async function getTraveler(ctx: TravelersContext, travelerId: string): Promise<TravelerView> {
  return travelerView(await findTraveler(ctx, travelerId));
}

/** A page of travelers by name (keyset paging, services/listing.ts); every tenant's when `tenantIds` is null. */
export async function listTravelers(
  ctx: TravelersContext,
  tenantIds: string[] | null,
  { limit, cursor }: { limit: number; cursor?: string | undefined } = { limit: LIST_PAGE_MAX },
): Promise<{ travelers: TravelerView[]; nextCursor: string | null }> {
  const rows = await ctx.prisma.traveler.findMany({
    where: { AND: [tenantIds ? { tenantId: { in: tenantIds } } : {}, afterKeyCursor<Prisma.TravelerWhereInput>("name", cursor)] },
    orderBy: keyOrder("name"),
    take: limit + 1,
  });
  const { page, nextCursor } = pageOf(rows, limit, (last) => encodeKeyCursor(last.name, last.id));
  return { travelers: page.map(travelerView), nextCursor };
}

async function endActiveGrants(tx: Tx, travelerId: string, now: Date): Promise<string[]> {
  const active = await tx.travelerGrant.findMany({ where: { travelerId, revokedAt: null, expiresAt: { gt: now } } });
  const serverIds: string[] = [];
  for (const grant of active) serverIds.push(...(await endGrant(tx, grant.id, { revokedAt: now })));
  return [...new Set(serverIds)];
}

async function checkSettings(tx: Tx, tenantId: string, settings: Pick<TravelerSettings, "scopeServerIds" | "services">): Promise<void> {
  if (settings.scopeServerIds.length > 0) {
    const found = await tx.server.count({ where: { id: { in: settings.scopeServerIds }, tenantId } });
    if (found !== new Set(settings.scopeServerIds).size) {
      throw new GatehouseError("BAD_INPUT", "a server in the traveler's scope is not a server of this tenant");
    }
  }
  const custom = await tx.customService.findMany({ where: { OR: [{ tenantId }, { tenantId: null }] } });
  lookupServices(settings.services, custom.map((service) => customServiceDefinition(service as CustomServiceInput)));
}

async function findTraveler(ctx: TravelersContext, travelerId: string): Promise<Traveler> {
  const traveler = await ctx.prisma.traveler.findUnique({ where: { id: travelerId } });
  if (!traveler) throw new GatehouseError("NOT_FOUND", "no such traveler");
  return traveler;
}

function isTakenAccountNumber(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** What the audit trail keeps of a traveler: no PIN hash, no lockout counters, no credential version. */
function auditView(traveler: Traveler): Prisma.InputJsonObject {
  const { pinHash: _hash, lockedUntil: _until, credentialVersion: _version, createdAt, ...rest } = traveler;
  return { ...rest, createdAt: createdAt.toISOString() };
}
