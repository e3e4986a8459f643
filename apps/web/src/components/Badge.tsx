import type { ReactNode } from "react";

export type BadgeTone = "ok" | "warn" | "bad" | "neutral";

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}
