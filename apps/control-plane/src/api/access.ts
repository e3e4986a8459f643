// Tenant isolation, decided in one place. Every id in a procedure's PARSED input (what the
// procedure will act on; unknown keys never get this far) is resolved to its owning tenant
// (tenant-resolvers.ts) before the procedure runs:
// - an id that does not exist, or belongs to another tenant, is NOT_FOUND with the same message
//   (a tenant's operators cannot probe for other tenants' ids);
// - fleet-level things (fleet entries, fleet custom services) may be read by everyone, changed
//   only by an MSP admin;
// - a change the procedure declares fleet-level (a FLEET scope, a fleet-wide custom service, an
//   MSP admin account) is FORBIDDEN to a non-MSP-admin, whatever else it names;
// - a change by a non-MSP-admin must name at least one thing of their own tenant: a change that
//   names none is fleet-wide, and FORBIDDEN.
import { GatehouseError } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import type { Actor } from "../auth/authenticate.ts";
import { TENANT_OWNED_IDS, UNRESOLVED_ID_KEYS, type Owner } from "./tenant-resolvers.ts";

export type AccessMode = "read" | "write";

export interface Access {
  isMspAdmin: boolean;
  /** The caller's tenant; null for an MSP admin, who sees every tenant. */
  tenantId: string | null;
  /** Spread into a Prisma where clause of a tenant-owned model: `{}` or `{ tenantId }`. */
  ownTenant(): { tenantId?: string };
}

const MAX_DEPTH = 6;
const MAX_IDS = 1_000;
const ID_KEY = /[a-z0-9]Ids?$/;

/** key -> ids found under that key anywhere in `input`. */
function idsInInput(input: unknown): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  let count = 0;
  const add = (key: string, id: unknown): void => {
    if (typeof id !== "string") return; // not an id; the input schema will refuse it
    count += 1;
    if (count > MAX_IDS) throw new GatehouseError("BAD_INPUT", `a request may name at most ${MAX_IDS} ids`);
    let ids = found.get(key);
    if (ids === undefined) found.set(key, (ids = new Set()));
    ids.add(id);
  };
  const walk = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, field] of Object.entries(value)) {
      if (ID_KEY.test(key)) {
        if (!(key in TENANT_OWNED_IDS) && !UNRESOLVED_ID_KEYS.has(key)) {
          throw new Error(`input key "${key}" names an id the access check cannot place; add it to tenant-resolvers.ts`);
        }
        if (key in TENANT_OWNED_IDS) {
          if (Array.isArray(field)) for (const id of field) add(key, id);
          else add(key, field);
          continue;
        }
      }
      walk(field, depth + 1);
    }
  };
  walk(input, 0);
  return found;
}

export interface AccessRequest {
  mode: AccessMode;
  /** The procedure says this call acts on the whole fleet. */
  fleetLevel: boolean;
}

export async function checkAccess(prisma: PrismaClient, actor: Actor, parsedInput: unknown, { mode, fleetLevel }: AccessRequest): Promise<Access> {
  const isMspAdmin = actor.role === "MSP_ADMIN";
  if (!isMspAdmin && actor.tenantId === null) throw new GatehouseError("FORBIDDEN", "this operator belongs to no tenant; ask an MSP admin");
  if (mode === "write" && actor.role === "VIEWER") throw new GatehouseError("FORBIDDEN", "viewers can look but not change anything");
  if (mode === "write" && fleetLevel && !isMspAdmin) throw new GatehouseError("FORBIDDEN", "this change is fleet-wide; only an MSP admin can make it");

  let namesOwnTenant = false;
  for (const [key, ids] of idsInInput(parsedInput)) {
    const kind = TENANT_OWNED_IDS[key];
    if (kind === undefined) continue;
    const owners = await kind.lookup(prisma, [...ids]);
    for (const id of ids) {
      const owner = owners.get(id);
      if (owner === undefined || !mayName(actor, owner, isMspAdmin)) {
        throw new GatehouseError("NOT_FOUND", `${kind.label} ${id} not found`, { field: key });
      }
      if (mode === "write" && !isMspAdmin && owner.tenantId === null) {
        throw new GatehouseError("FORBIDDEN", `this ${kind.label} is fleet-wide; only an MSP admin can change it`, { field: key });
      }
      if (owner.tenantId !== null && owner.tenantId === actor.tenantId) namesOwnTenant = true;
    }
  }
  if (mode === "write" && !isMspAdmin && !namesOwnTenant) {
    throw new GatehouseError("FORBIDDEN", "this change is fleet-wide; only an MSP admin can make it");
  }
  const tenantId = isMspAdmin ? null : actor.tenantId;
  return { isMspAdmin, tenantId, ownTenant: () => (tenantId === null ? {} : { tenantId }) };
}

/** Whether the caller may name the id at all; otherwise it is reported as not found. */
function mayName(actor: Actor, owner: Owner, isMspAdmin: boolean): boolean {
  if (isMspAdmin) return true;
  return owner.tenantId === null ? owner.fleetReadable : owner.tenantId === actor.tenantId;
}
