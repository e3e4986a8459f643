// AllowEntry.sourceKind is stored as text; read back as the kind core knows (an unknown text,
// which only a hand-edited row can hold, reads as an address, whose parse then refuses it).
import type { SourceKind } from "@gatehouse/core";

export function storedSourceKind(text: string): SourceKind {
  return text === "fqdn" || text === "country" ? text : "ip";
}
