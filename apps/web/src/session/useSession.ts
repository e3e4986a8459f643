import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";
import { isUnauthorized } from "../api/errors.ts";

export type Operator = NonNullable<RouterOutputs["auth"]["me"]>;

export const sessionKey = ["auth.me"] as const;

/** The signed-in operator, or null when nobody is signed in (or the session expired). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Operator | null> => {
      try {
        return (await api.auth.me.query()) ?? null;
      } catch (error) {
        if (isUnauthorized(error)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) => api.auth.login.mutate(credentials),
    onSuccess: async () => {
      // Nothing cached for a previous operator may show to this one.
      await queryClient.resetQueries();
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.auth.logout.mutate();
    },
    onSettled: () => {
      queryClient.setQueryData(sessionKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
    },
  });
}
