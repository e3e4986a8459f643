// The typed tRPC client. Only the router's TYPE comes from the control plane: nothing of
// the server is loaded at run time (and nothing of it ends up in the bundle).
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@gatehouse/control-plane/router";

export type Api = TRPCClient<AppRouter>;

/** Where the control plane mounts its tRPC API. */
export function trpcEndpoint(baseUrl: string): string {
  return `${baseUrl}/trpc`;
}

export function createApi(baseUrl: string, token: string | undefined): Api {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: trpcEndpoint(baseUrl),
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export type ApiOutputs = inferRouterOutputs<AppRouter>;
export type ApiInputs = inferRouterInputs<AppRouter>;
