// SHA-256 as lowercase hex, the project's one hash: rule tags and ruleset keys, the stored form
// of bearer secrets, the checksums of the agent's downloads.
import { createHash } from "node:crypto";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
