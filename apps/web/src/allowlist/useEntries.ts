import { useQuery } from "@tanstack/react-query";
import { api, type RouterInputs, type RouterOutputs } from "../api/client.ts";

/** The list input without `void` (the procedure accepts no input at all, too). */
export type EntryFilters = Exclude<RouterInputs["entries"]["list"], void | undefined>;
export type EntryView = RouterOutputs["entries"]["list"]["entries"][number];

export function useEntries(filters: EntryFilters) {
  return useQuery({ queryKey: ["entries.list", filters], queryFn: () => api.entries.list.query(filters) });
}
