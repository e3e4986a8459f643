// `gatehouse-agent restore`: enforce the last confirmed state kept on disk and exit. systemd
// runs it before the network comes up (ExecStartPre, Before=network-pre.target), so a
// rebooting PBX is never reachable from the Internet before its allowlist is loaded.
// Uses the DNS answers kept on disk: at that point there is no DNS.
import type { Logger } from "pino";
import { loadAppliedRecord } from "../state/applied-record.ts";
import { statePaths } from "../state/state-dir.ts";
import { resolveForEnforcement } from "../sync/resolve-state.ts";
import type { BackendChoice, BackendFactory } from "./backend-choice.ts";
import type { Output } from "./output.ts";

export interface RestoreOptions {
  stateDir: string;
  backend: BackendChoice;
  netns?: string;
}

export async function restoreCommand(options: RestoreOptions, deps: { createBackend: BackendFactory; logger: Logger }, out: Output): Promise<void> {
  const record = await loadAppliedRecord(statePaths(options.stateDir).applied);
  if (record === null) {
    out.print("nothing applied yet on this server: nothing to restore");
    return;
  }
  const backend = await deps.createBackend({ choice: options.backend, logger: deps.logger, ...(options.netns ? { netns: options.netns } : {}) });
  const answers = new Map(record.answers.map((a) => [a.fqdn, a.addresses]));
  const { resolved, unresolved } = resolveForEnforcement(record.state, answers);
  const summary = await backend.apply(resolved);
  const left = unresolved.length > 0 ? `; left out (no answer on disk): ${unresolved.join(", ")}` : "";
  out.print(`restored revision ${record.revision} with ${backend.name} (ruleset ${summary.rulesetHash.slice(0, 12)})${left}`);
}
