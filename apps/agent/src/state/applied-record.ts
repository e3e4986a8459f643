// What the agent last applied AND had confirmed by the control plane (or enforced from disk):
// the desired state, the DNS answers it was resolved with, and a rollback still to report.
// At boot this is enforced before any network, with these answers (DNS may be down).
import { z } from "zod";
import { desiredStateSchema, fqdnResolutionSchema } from "@gatehouse/protocol";
import { writeFileAtomic } from "./atomic-file.ts";
import { readJsonFile } from "./state-dir.ts";

export const appliedRecordSchema = z.object({
  revision: z.number().int().min(0),
  desiredHash: z.string(),
  state: desiredStateSchema,
  answers: z.array(fqdnResolutionSchema),
  rulesetHash: z.string(),
  savedAt: z.string(),
  /** A commit-confirm rollback not yet reported to the control plane. */
  rollbackToReport: z.object({ fromRevision: z.number().int().min(0), reason: z.string() }).nullable().default(null),
});

export type AppliedRecord = z.infer<typeof appliedRecordSchema>;

export function loadAppliedRecord(path: string): Promise<AppliedRecord | null> {
  return readJsonFile(path, appliedRecordSchema);
}

export async function saveAppliedRecord(path: string, record: AppliedRecord): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(record), 0o600);
}
