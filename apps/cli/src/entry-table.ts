// How allow entries look in a table, and fetching every page of a filtered entry list.
import type { Api, ApiInputs, ApiOutputs } from "./api.ts";
import { scopeLabel, type Directory } from "./directory.ts";
import { shortTime, type Column } from "./output.ts";

export type Entry = ApiOutputs["entries"]["list"]["entries"][number];
export type EntryFilter = Omit<Exclude<ApiInputs["entries"]["list"], void | undefined>, "limit" | "cursor">;

const PAGE = 500;

/** The first characters of an id: enough to tell entries apart, accepted by `remove`. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function servicesText(services: readonly string[]): string {
  return services.includes("all") ? "all" : services.join(",");
}

export async function listEntries(api: Api, filter: EntryFilter, max = Number.POSITIVE_INFINITY): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.entries.list.query({ ...filter, limit: Math.min(PAGE, max - entries.length), cursor });
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && entries.length < max);
  return entries;
}

export function entryColumns(directory: Directory): Column<Entry>[] {
  return [
    { header: "id", value: (e) => shortId(e.id) },
    { header: "source", value: (e) => e.source },
    { header: "services", value: (e) => servicesText(e.services) },
    { header: "scope", value: (e) => scopeLabel(e, directory) },
    { header: "origin", value: (e) => e.origin.toLowerCase() },
    { header: "expires", value: (e) => (e.expiresAt ? `${shortTime(e.expiresAt)}${e.expired ? " (expired)" : ""}` : "never") },
    { header: "comment", value: (e) => e.comment },
  ];
}
