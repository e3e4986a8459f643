// The API's lists come a page at a time (at most 100 rows, then `nextCursor`). The console's
// tables show a whole list, so a hook loads the pages one after another, up to LIST_MAX_PAGES
// (5,000 rows: past that a table is no use without the filters the pages offer).
import { followPages, type CursorPage } from "@gatehouse/core/paging";
import { api, type RouterInputs, type RouterOutputs } from "./client.ts";

const LIST_MAX_PAGES = 50;

type Filter<T> = Omit<Exclude<T, void | undefined>, "limit" | "cursor">;

/** The rows of up to LIST_MAX_PAGES pages (core's followPages): `fetch` asks for the page after `cursor`, `rows` picks its rows. */
async function allPages<P extends CursorPage, T>(fetch: (cursor: string | undefined) => Promise<P>, rows: (page: P) => T[]): Promise<T[]> {
  return (await followPages(fetch, rows, LIST_MAX_PAGES)).rows;
}

export type TenantView = RouterOutputs["tenants"]["list"]["tenants"][number];
export type ServerView = RouterOutputs["servers"]["list"]["servers"][number];
export type OperatorView = RouterOutputs["operators"]["list"]["operators"][number];
export type TravelerView = RouterOutputs["travelers"]["list"]["travelers"][number];
export type GrantView = RouterOutputs["travelers"]["grants"]["grants"][number];
export type AgentStatus = RouterOutputs["fleet"]["status"]["servers"][number];

export const allTenants = (): Promise<TenantView[]> => allPages((cursor) => api.tenants.list.query({ cursor }), (page) => page.tenants);

export const allServers = (filter: Filter<RouterInputs["servers"]["list"]> = {}): Promise<ServerView[]> =>
  allPages((cursor) => api.servers.list.query({ ...filter, cursor }), (page) => page.servers);

export const allOperators = (): Promise<OperatorView[]> => allPages((cursor) => api.operators.list.query({ cursor }), (page) => page.operators);

export const allTravelers = (filter: Filter<RouterInputs["travelers"]["list"]> = {}): Promise<TravelerView[]> =>
  allPages((cursor) => api.travelers.list.query({ ...filter, cursor }), (page) => page.travelers);

export const allGrants = (filter: Filter<RouterInputs["travelers"]["grants"]> = {}): Promise<GrantView[]> =>
  allPages((cursor) => api.travelers.grants.query({ ...filter, cursor }), (page) => page.grants);

export const allAgentStatus = (): Promise<AgentStatus[]> => allPages((cursor) => api.fleet.status.query({ cursor }), (page) => page.servers);

export type InviteView = RouterOutputs["operators"]["invites"]["invites"][number];
export type ApiTokenView = RouterOutputs["apiTokens"]["list"]["tokens"][number];

export const allInvites = (): Promise<InviteView[]> => allPages((cursor) => api.operators.invites.query({ cursor }), (page) => page.invites);

export const allApiTokens = (): Promise<ApiTokenView[]> => allPages((cursor) => api.apiTokens.list.query({ cursor }), (page) => page.tokens);
