import { useQuery } from "@tanstack/react-query";
import { allInvites, allOperators } from "../api/pages.ts";

export type { InviteView, OperatorView } from "../api/pages.ts";

/** The same key as the audit log's names, so a change here renames there too. */
export function useOperators() {
  return useQuery({ queryKey: ["operators.list"], queryFn: () => allOperators() });
}

export function useInvites() {
  return useQuery({ queryKey: ["operators.invites"], queryFn: () => allInvites() });
}

export const ROLE_LABELS = { MSP_ADMIN: "MSP admin", TENANT_ADMIN: "Tenant admin", VIEWER: "Viewer" } as const;

export type Role = keyof typeof ROLE_LABELS;
