// Where an allow entry applies, and so which servers a change reaches: the whole fleet, one
// tenant, a tenant's group (its servers tagged with the group) or one server. EntryScope is
// the one shape the API takes, the services pass and a change reports as affected; StoredScope
// is the same thing as an AllowEntry row's columns.
import { z } from "zod";

/** An id as stored (uuid text). */
export const idSchema = z.string().min(1).max(64);

/** Server group names: what an operator tags servers with and scopes entries to. */
export const groupNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/i, "a group name is 1-63 letters, digits, '.', '_' or '-'");

export const ENTRY_SCOPE_KINDS = ["FLEET", "TENANT", "GROUP", "SERVER"] as const;

export type EntryScopeKind = (typeof ENTRY_SCOPE_KINDS)[number];

export const entryScopeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("FLEET") }),
  z.strictObject({ kind: z.literal("TENANT"), tenantId: idSchema }),
  z.strictObject({ kind: z.literal("GROUP"), tenantId: idSchema, group: groupNameSchema }),
  z.strictObject({ kind: z.literal("SERVER"), serverId: idSchema }),
]);

export type EntryScope = z.infer<typeof entryScopeSchema>;

/** An entry's scope as its row stores it; a server's entry also keeps the server's tenant. */
export interface StoredScope {
  scope: EntryScopeKind;
  tenantId: string | null;
  groupName: string | null;
  serverId: string | null;
}

/** The row's columns for `scope`; `serverTenantId` is the tenant of a SERVER scope's server. */
export function storedScope(scope: EntryScope, serverTenantId: string | null = null): StoredScope {
  switch (scope.kind) {
    case "FLEET":
      return { scope: "FLEET", tenantId: null, groupName: null, serverId: null };
    case "TENANT":
      return { scope: "TENANT", tenantId: scope.tenantId, groupName: null, serverId: null };
    case "GROUP":
      return { scope: "GROUP", tenantId: scope.tenantId, groupName: scope.group, serverId: null };
    case "SERVER":
      return { scope: "SERVER", tenantId: serverTenantId, groupName: null, serverId: scope.serverId };
  }
}

/** The scope a stored row names. */
export function entryScopeOf(row: StoredScope): EntryScope {
  switch (row.scope) {
    case "FLEET":
      return { kind: "FLEET" };
    case "TENANT":
      return { kind: "TENANT", tenantId: row.tenantId ?? "" };
    case "GROUP":
      return { kind: "GROUP", tenantId: row.tenantId ?? "", group: row.groupName ?? "" };
    case "SERVER":
      return { kind: "SERVER", serverId: row.serverId ?? "" };
  }
}
