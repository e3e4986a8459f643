import { useEffect } from "react";

/** The browser tab and history say which page this is ("Fleet · Gatehouse"). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
}
