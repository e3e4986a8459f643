// Which tenant owns the thing an id names. The access middleware (trpc.ts) looks up EVERY id in
// a procedure's raw input through this one map, by the input key's name, so a new procedure is
// protected by naming its ids the usual way. An input key ending in Id/Ids that is in neither
// map below is refused as a programming error: an id the middleware cannot place is never
// let through unchecked.
import type { PrismaClient } from "@gatehouse/db";

export interface Owner {
  /** null = fleet level (no tenant). */
  tenantId: string | null;
  /** Fleet-level things every operator may read (fleet entries, fleet custom services). */
  fleetReadable: boolean;
}

/** Looks up many ids at once; ids missing from the result do not exist. */
type OwnerLookup = (prisma: PrismaClient, ids: string[]) => Promise<Map<string, Owner>>;

const owned = (tenantId: string | null, fleetReadable = false): Owner => ({ tenantId, fleetReadable });

function byRows<T extends { id: string }>(rows: T[], owner: (row: T) => Owner): Map<string, Owner> {
  return new Map(rows.map((row) => [row.id, owner(row)]));
}

const tenant: OwnerLookup = async (prisma, ids) => byRows(await prisma.tenant.findMany({ where: { id: { in: ids } }, select: { id: true } }), (row) => owned(row.id));

const server: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.server.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

const entry: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.allowEntry.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true, scope: true } }), (row) =>
    owned(row.scope === "FLEET" ? null : row.tenantId, row.scope === "FLEET"),
  );

/** MSP admins (no tenant) are not fleet-readable: a tenant's operators never see them. */
const operator: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.operator.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

const apiToken: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, operator: { select: { tenantId: true } } } }), (row) =>
    owned(row.operator.tenantId),
  );

/** An invitation to be an MSP admin (no tenant) is, like an MSP admin, invisible to a tenant's operators. */
const operatorInvite: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.operatorInvite.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

const customService: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.customService.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) =>
    owned(row.tenantId, row.tenantId === null),
  );

const presetEnablement: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.presetEnablement.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

const traveler: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.traveler.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

const grant: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.travelerGrant.findMany({ where: { id: { in: ids } }, select: { id: true, traveler: { select: { tenantId: true } } } }), (row) =>
    owned(row.traveler.tenantId),
  );

const travelerLink: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.travelerLink.findMany({ where: { id: { in: ids } }, select: { id: true, traveler: { select: { tenantId: true } } } }), (row) =>
    owned(row.traveler.tenantId),
  );

/** Fleet alert rules (no tenant) are an MSP admin's: a tenant's operators never see them. */
const alertRule: OwnerLookup = async (prisma, ids) =>
  byRows(await prisma.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } }), (row) => owned(row.tenantId));

export interface IdKind {
  /** Said in NOT_FOUND messages: "server 1234 not found". */
  label: string;
  lookup: OwnerLookup;
}

/** Input key -> what it names. Plural keys take arrays of ids. */
export const TENANT_OWNED_IDS: Readonly<Record<string, IdKind>> = {
  tenantId: { label: "tenant", lookup: tenant },
  serverId: { label: "server", lookup: server },
  serverIds: { label: "server", lookup: server },
  scopeServerIds: { label: "server", lookup: server },
  entryId: { label: "allow entry", lookup: entry },
  entryIds: { label: "allow entry", lookup: entry },
  operatorId: { label: "operator", lookup: operator },
  tokenId: { label: "API token", lookup: apiToken },
  inviteId: { label: "invitation", lookup: operatorInvite },
  customServiceId: { label: "custom service", lookup: customService },
  presetEnablementId: { label: "preset enablement", lookup: presetEnablement },
  travelerId: { label: "traveler", lookup: traveler },
  grantId: { label: "traveler grant", lookup: grant },
  linkId: { label: "traveler link", lookup: travelerLink },
  alertRuleId: { label: "alert rule", lookup: alertRule },
};

/**
 * Id keys deliberately not resolved, each for a stated reason:
 * - presetId: shipped provider presets are fleet-wide and every operator may use them;
 * - targetId: an audit-log filter; the rows it matches are tenant-filtered anyway.
 */
export const UNRESOLVED_ID_KEYS: ReadonlySet<string> = new Set(["presetId", "targetId"]);
