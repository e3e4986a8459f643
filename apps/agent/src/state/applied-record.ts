// What the agent falls back to, kept on disk: the desired state it last had confirmed by the
// control plane (or, while a new one awaits confirmation, what both allow: core's
// confirmFallback), the DNS answers it was resolved with, the firewall backend that enforces it,
// and rollbacks still to report. At boot this is enforced before any network, with these
// answers (DNS may be down) and this backend.
import { z } from "zod";
import { desiredStateSchema, fqdnResolutionSchema } from "@gatehouse/protocol";
import { writeFileAtomic } from "./atomic-file.ts";
import { backendNameSchema, readJsonFile } from "./state-dir.ts";

const rollbackSchema = z.object({ fromRevision: z.number().int().min(0), reason: z.string() });

export type RollbackToReport = z.infer<typeof rollbackSchema>;

const storedRecordSchema = z.object({
  revision: z.number().int().min(0),
  desiredHash: z.string(),
  state: desiredStateSchema,
  answers: z.array(fqdnResolutionSchema),
  rulesetHash: z.string(),
  savedAt: z.string(),
  /** The backend that enforces this state; null in records written before it was kept. */
  backend: backendNameSchema.nullable().default(null),
  /** Commit-confirm rollbacks not yet acknowledged by the control plane, oldest first. */
  rollbacksToReport: z.array(rollbackSchema).default([]),
  /** The one rollback older agents kept (read, never written). */
  rollbackToReport: rollbackSchema.nullable().optional(),
});

const appliedRecordSchema = storedRecordSchema.transform(({ rollbackToReport, ...record }) => ({
  ...record,
  rollbacksToReport: rollbackToReport ? [rollbackToReport, ...record.rollbacksToReport] : record.rollbacksToReport,
}));

export type AppliedRecord = z.output<typeof appliedRecordSchema>;

export function loadAppliedRecord(path: string): Promise<AppliedRecord | null> {
  return readJsonFile(path, appliedRecordSchema);
}

export async function saveAppliedRecord(path: string, record: AppliedRecord): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(record), 0o600);
}
