// Opens this host's one firewall backend for a command (decideHostBackend), logs why it is the
// one, and — when an explicit --backend replaces the recorded one — removes the replaced
// backend's Gatehouse objects, but only once the new backend enforces the allowlist.
import type { Logger } from "pino";
import { resolveDesiredState, type ResolvedState } from "@gatehouse/core";
import type { FirewallBackend } from "../firewall/backend.ts";
import type { AppliedRecord } from "../state/applied-record.ts";
import { loadRecordedBackend } from "../state/recorded-backend.ts";
import type { StatePaths } from "../state/state-dir.ts";
import { decideHostBackend, type BackendChoice, type BackendFactory, type HostBackendDecision } from "../firewall/backend-choice.ts";

export interface HostBackendRequest {
  paths: StatePaths;
  explicit: BackendChoice;
  netns?: string;
  /** The applied record, when the command already read it. */
  applied?: AppliedRecord | null;
}

export interface HostBackend {
  backend: FirewallBackend;
  decision: HostBackendDecision;
  /** Removes the replaced backend's Gatehouse objects (nothing when none is replaced). Call once `backend` enforces. */
  retireReplaced(recorded: ResolvedState | null): Promise<void>;
}

/** The state a record enforces, resolved with the DNS answers kept with it. */
export function recordedResolvedState(record: AppliedRecord | null): ResolvedState | null {
  if (record === null) return null;
  return resolveDesiredState(record.state, new Map(record.answers.map((a) => [a.fqdn, a.addresses]))).resolved;
}

export async function openHostBackend(request: HostBackendRequest, deps: { createBackend: BackendFactory; logger: Logger }): Promise<HostBackend> {
  const where = request.netns ? { netns: request.netns } : {};
  const decision = decideHostBackend(request.explicit, await loadRecordedBackend(request.paths, request.applied));
  const backend = await deps.createBackend({ choice: decision.choice, logger: deps.logger, ...where });
  deps.logger.info({ backend: backend.name, reason: decision.reason }, "firewall backend for this host");
  const retireReplaced = async (recorded: ResolvedState | null) => {
    const replaced = decision.replaces;
    if (replaced === null || replaced === backend.name) return;
    const old = await deps.createBackend({ choice: replaced, logger: deps.logger, ...where });
    await old.uninstall(recorded);
    deps.logger.warn({ from: replaced, to: backend.name }, `switched backend: ${backend.name} enforces the allowlist, so the ${replaced} backend's Gatehouse rules and sets were removed`);
  };
  return { backend, decision, retireReplaced };
}
