import { useState } from "react";
import { useEntries, type EntryFilters } from "./useEntries.ts";

export type EntryQuery = Omit<EntryFilters, "limit" | "cursor">;

/**
 * One page of the allowlist at a time, kept live by useEntries, with the cursors of the pages
 * before it so the operator can go back; a new filter starts again at the first page.
 */
export function usePagedEntries(query: EntryQuery, pageSize: number) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [queryKey, setQueryKey] = useState(JSON.stringify(query));
  const key = JSON.stringify(query);
  if (key !== queryKey) {
    setQueryKey(key);
    setCursors([undefined]);
  }
  const pageIndex = cursors.length - 1;
  const entries = useEntries({ ...query, limit: pageSize, cursor: cursors[pageIndex] });
  const nextCursor = entries.data?.nextCursor ?? null;
  const shown = entries.data?.entries.length ?? 0;
  return {
    entries,
    /** 1-based number of the first row shown, and of the last. */
    from: shown === 0 ? 0 : pageIndex * pageSize + 1,
    to: pageIndex * pageSize + shown,
    total: entries.data?.total ?? 0,
    next: nextCursor === null ? null : () => setCursors([...cursors, nextCursor]),
    previous: pageIndex === 0 ? null : () => setCursors(cursors.slice(0, -1)),
  };
}
