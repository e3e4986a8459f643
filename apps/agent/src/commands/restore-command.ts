// `gatehouse-agent restore`: enforce the last state kept on disk and exit. systemd runs it
// before the network comes up (ExecStartPre, Before=network-pre.target), so a rebooting PBX is
// never reachable from the Internet before its allowlist is loaded. Uses the DNS answers kept
// on disk (at that point there is no DNS) and the backend recorded with them, so boot enforces
// exactly one Gatehouse ruleset: the one `run` will keep.
import type { Logger } from "pino";
import { resolveDesiredState } from "@gatehouse/core";
import { loadAppliedRecord, saveAppliedRecord } from "../state/applied-record.ts";
import { statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory } from "../firewall/backend-choice.ts";
import { openHostBackend } from "./host-backend.ts";
import type { Output } from "./output.ts";

export interface RestoreOptions {
  stateDir: string;
  backend: BackendChoice;
  netns?: string;
}

export async function restoreCommand(options: RestoreOptions, deps: { createBackend: BackendFactory; logger: Logger }, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  const record = await loadAppliedRecord(paths.applied);
  if (record === null) {
    out.print("nothing applied yet on this server: nothing to restore");
    return;
  }
  const host = await openHostBackend({ paths, explicit: options.backend, applied: record, ...(options.netns ? { netns: options.netns } : {}) }, deps);
  const { backend } = host;
  const answers = new Map(record.answers.map((a) => [a.fqdn, a.addresses]));
  const { resolved, unresolved } = resolveDesiredState(record.state, answers);
  const summary = await backend.apply(resolved);
  await host.retireReplaced(resolved);
  if (record.backend !== backend.name) await saveAppliedRecord(paths.applied, { ...record, backend: backend.name });
  const left = unresolved.length > 0 ? `; left out (no answer on disk): ${unresolved.join(", ")}` : "";
  const replaced = host.decision.replaces ? `; removed the ${host.decision.replaces} backend's Gatehouse rules` : "";
  out.print(`restored revision ${record.revision} with ${backend.name} (ruleset ${summary.rulesetHash.slice(0, 12)})${left}${replaced}`);
}
