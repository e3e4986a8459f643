// The API's lists come a page at a time, each with the `nextCursor` of the next; a reader that
// wants the whole list follows the cursors to the end. The CLI follows them all; the console
// stops at a page budget (past it a table is no use without filters) and says so.

export interface CursorPage {
  nextCursor: string | null;
}

export interface FollowedPages<T> {
  rows: T[];
  /** False when `maxPages` stopped the walk before the list's last page. */
  complete: boolean;
}

/** Every row of a paged list: `fetch` asks for the page after `cursor`, `rows` picks its rows. */
export async function followPages<P extends CursorPage, T>(
  fetch: (cursor: string | undefined) => Promise<P>,
  rows: (page: P) => readonly T[],
  maxPages = Number.POSITIVE_INFINITY,
): Promise<FollowedPages<T>> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await fetch(cursor);
    all.push(...rows(page));
    if (page.nextCursor === null) return { rows: all, complete: true };
    cursor = page.nextCursor;
  }
  return { rows: all, complete: false };
}
