// The console talks to the control plane's tRPC API on the same origin (/trpc). The session
// travels in the control plane's HttpOnly, SameSite=Strict cookie set by auth.login, so no
// script (ours or an injected one) ever holds the secret.
//
// Vanilla @trpc/client plus TanStack Query (useQuery/useMutation with our own keys) rather
// than @trpc/tanstack-react-query: that adapter pins exact @trpc/* peer versions and lags
// the client the control plane uses, and the few keys we need are easy to name by hand.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "@gatehouse/control-plane/router";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export const api = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: "/trpc",
      // The control plane refuses batches of more calls (API_MAX_BATCH_CALLS).
      maxItems: 10,
      fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
    }),
  ],
});
