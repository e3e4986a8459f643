// The API's lists come a page at a time (at most 100 rows, then `nextCursor`); a command that
// lists follows the cursor to the end, so a table never stops silently at the first page.
import { followPages, type CursorPage } from "@gatehouse/core";
import type { Api, ApiInputs, ApiOutputs } from "./api.ts";

type Filter<T> = Omit<Exclude<T, void | undefined>, "limit" | "cursor">;

/** Every row of a paged list (core's followPages, with no page budget). */
async function allPages<P extends CursorPage, T>(fetch: (cursor: string | undefined) => Promise<P>, rows: (page: P) => T[]): Promise<T[]> {
  return (await followPages(fetch, rows)).rows;
}

export type Tenant = ApiOutputs["tenants"]["list"]["tenants"][number];
export type Server = ApiOutputs["servers"]["list"]["servers"][number];
export type Traveler = ApiOutputs["travelers"]["list"]["travelers"][number];
export type Grant = ApiOutputs["travelers"]["grants"]["grants"][number];
export type ServerStatus = ApiOutputs["fleet"]["status"]["servers"][number];

export const allTenants = (api: Api): Promise<Tenant[]> => allPages((cursor) => api.tenants.list.query({ cursor }), (page) => page.tenants);

export const allServers = (api: Api, filter: Filter<ApiInputs["servers"]["list"]> = {}): Promise<Server[]> =>
  allPages((cursor) => api.servers.list.query({ ...filter, cursor }), (page) => page.servers);

export const allTravelers = (api: Api, filter: Filter<ApiInputs["travelers"]["list"]> = {}): Promise<Traveler[]> =>
  allPages((cursor) => api.travelers.list.query({ ...filter, cursor }), (page) => page.travelers);

export const allGrants = (api: Api, filter: Filter<ApiInputs["travelers"]["grants"]> = {}): Promise<Grant[]> =>
  allPages((cursor) => api.travelers.grants.query({ ...filter, cursor }), (page) => page.grants);

export const allServerStatus = (api: Api, filter: Filter<ApiInputs["fleet"]["status"]> = {}): Promise<ServerStatus[]> =>
  allPages((cursor) => api.fleet.status.query({ ...filter, cursor }), (page) => page.servers);
