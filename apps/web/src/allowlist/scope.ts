import type { RouterInputs } from "../api/client.ts";

/** The API's entry scope (core's EntryScope, as the router takes it). */
export type EntryScope = RouterInputs["entries"]["add"]["scope"];

export type ScopeKind = EntryScope["kind"];

/** What the scope controls hold; turned into the API's scope when the form is sent. */
export interface ScopeDraft {
  kind: ScopeKind;
  tenantId: string;
  group: string;
  serverId: string;
}

export function scopeOf(draft: ScopeDraft): EntryScope {
  switch (draft.kind) {
    case "FLEET":
      return { kind: "FLEET" };
    case "TENANT":
      return { kind: "TENANT", tenantId: draft.tenantId };
    case "GROUP":
      return { kind: "GROUP", tenantId: draft.tenantId, group: draft.group };
    case "SERVER":
      return { kind: "SERVER", serverId: draft.serverId };
  }
}

export const SCOPE_LABELS: Record<ScopeKind, string> = {
  FLEET: "Whole fleet (every tenant)",
  TENANT: "One tenant (all its servers)",
  GROUP: "A server group of a tenant",
  SERVER: "One server",
};

/** The draft of an entry's stored scope (for editing it). */
export function draftOf(entry: { scope: ScopeKind; tenantId: string | null; groupName: string | null; serverId: string | null }): ScopeDraft {
  return { kind: entry.scope, tenantId: entry.tenantId ?? "", group: entry.groupName ?? "", serverId: entry.serverId ?? "" };
}
