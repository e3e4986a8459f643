// Typed tRPC clients of a control plane under test, over real HTTP, and what a failed call
// answered.
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "../../src/api/router.ts";

export type Api = TRPCClient<AppRouter>;

/** A client of the control plane at `url`, with a bearer token when given one (or a promise of one). */
export function apiClient(url: string, token?: string | (() => Promise<string>)): Api {
  const bearer = async () => (typeof token === "function" ? await token() : token);
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: async () => {
          const value = await bearer();
          return value ? { authorization: `Bearer ${value}` } : {};
        },
      }),
    ],
  });
}

/** A client signed in over auth.login. */
export async function signedInClient(url: string, email: string, password: string): Promise<Api> {
  return apiClient(url, (await apiClient(url).auth.login.mutate({ email, password })).token);
}

/** The tRPC error code (data.code) of a failed call; throws if the call succeeded. */
export async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string; field: string | null }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string; field?: string | null } | undefined;
      return { code: data?.code ?? "UNKNOWN", message: error.message, field: data?.field ?? null };
    }
    throw error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}
