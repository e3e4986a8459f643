import { useQuery } from "@tanstack/react-query";
import { allApiTokens } from "../api/pages.ts";

export type { ApiTokenView } from "../api/pages.ts";

export const apiTokensKey = ["apiTokens.list"] as const;

/** The signed-in operator's own API tokens, newest first. */
export function useApiTokens() {
  return useQuery({ queryKey: apiTokensKey, queryFn: () => allApiTokens() });
}
