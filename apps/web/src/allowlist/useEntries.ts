import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type RouterInputs, type RouterOutputs } from "../api/client.ts";

/** The list input without `void` (the procedure accepts no input at all, too). */
export type EntryFilters = Exclude<RouterInputs["entries"]["list"], void | undefined>;
export type EntryView = RouterOutputs["entries"]["list"]["entries"][number];

/**
 * How often a shown list asks again, as the fleet overview does: an entry the CLI or a traveler
 * adds appears, and one the sweeper expires disappears, without a reload.
 */
const ENTRIES_POLL_MS = 3000;

export function useEntries(filters: EntryFilters) {
  return useQuery({
    queryKey: ["entries.list", filters],
    queryFn: () => api.entries.list.query(filters),
    refetchInterval: ENTRIES_POLL_MS,
    // A new page or filter keeps showing the old rows until the new ones are there.
    placeholderData: keepPreviousData,
  });
}
