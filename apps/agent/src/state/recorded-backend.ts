// Which firewall backend this host is recorded to use: the one enforcing the applied state,
// else the one chosen at enrollment; null when neither was recorded.
import type { RecordedBackend } from "../firewall/backend-choice.ts";
import { loadAppliedRecord, type AppliedRecord } from "./applied-record.ts";
import { agentConfigSchema, readJsonFile, type StatePaths } from "./state-dir.ts";

export async function loadRecordedBackend(paths: StatePaths, applied?: AppliedRecord | null): Promise<RecordedBackend | null> {
  const record = applied === undefined ? await loadAppliedRecord(paths.applied) : applied;
  if (record?.backend) return { name: record.backend, in: paths.applied };
  const config = await readJsonFile(paths.config, agentConfigSchema);
  if (config?.backend) return { name: config.backend, in: paths.config };
  return null;
}
