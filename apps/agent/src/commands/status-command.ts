// `gatehouse-agent status`: what is enforced now, from the running agent's status file.
import { loadAppliedRecord } from "../state/applied-record.ts";
import { statePaths } from "../state/state-dir.ts";
import { loadAgentStatus } from "../state/status-file.ts";
import type { Output } from "./output.ts";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function statusCommand(options: { stateDir: string; json?: boolean }, out: Output): Promise<boolean> {
  const paths = statePaths(options.stateDir);
  const status = await loadAgentStatus(paths.status);
  const applied = await loadAppliedRecord(paths.applied);
  if (options.json) {
    out.print(JSON.stringify({ status, running: status ? isRunning(status.pid) : false, confirmedRevision: applied?.revision ?? null }, null, 2));
    return status !== null;
  }
  if (status === null) {
    out.print(applied ? `agent not running; last confirmed revision on disk: ${applied.revision}` : "agent has never run here (no status file)");
    return false;
  }
  const running = status.stoppedReason === null && isRunning(status.pid);
  const sizes = Object.entries(status.setSizes).map(([set, n]) => `${set}=${n}`).join(" ") || "none";
  out.print(`agent:        ${running ? `running (pid ${status.pid})` : `not running${status.stoppedReason ? `: ${status.stoppedReason}` : ""}`}, version ${status.agentVersion}`);
  out.print(`server:       ${status.serverId}`);
  out.print(`backend:      ${status.backend}`);
  out.print(`enforcing:    ${status.revision === null ? "nothing yet" : `revision ${status.revision}`} (ruleset ${status.rulesetHash?.slice(0, 12) ?? "-"}, ${status.ruleCount} rules)`);
  out.print(`sets:         ${sizes}`);
  out.print(`confirmed:    ${applied ? `revision ${applied.revision} on disk` : "nothing on disk"}${status.awaitingConfirmSince ? `; new ruleset awaiting the control plane's ack since ${status.awaitingConfirmSince}` : ""}`);
  out.print(`control plane: ${status.connected ? `connected${status.connectedTo ? ` to ${status.connectedTo}` : ""}` : "not connected"}; last contact ${status.lastContactAt ?? "never"}`);
  if (status.heldRevision !== null) out.print(`held:         revision ${status.heldRevision} (rolled back 3 times; applied again at the next confirmed contact)`);
  if (status.unresolved.length === 0) out.print("unresolved:   none");
  for (const u of status.unresolved) out.print(`unresolved:   ${u.fqdn}: ${u.error}`);
  if (status.lastError) out.print(`last error:   ${status.lastError}`);
  out.print(`updated:      ${status.updatedAt}`);
  return running;
}
