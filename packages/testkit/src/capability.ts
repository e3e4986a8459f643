// Tests that need root, network namespaces or a system tool skip with a clear message where
// those are missing, except in CI (CI=true), where a missing capability fails the run.
import { spawnSync } from "node:child_process";

export interface Capability {
  ok: boolean;
  /** Why the capability is missing, for the skip message. */
  reason: string;
}

const inCi = () => process.env.CI === "true" || process.env.CI === "1";

function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}

/** Root, `ip netns`, and the given firewall tools. */
export function netnsCapability(tools: string[] = []): Capability {
  if (process.getuid?.() !== 0) return { ok: false, reason: "needs root (network namespaces)" };
  if (!commandWorks("ip", ["netns", "list"])) return { ok: false, reason: "`ip netns` does not work here" };
  for (const tool of tools) {
    if (!commandWorks("sh", ["-c", `command -v ${tool}`])) return { ok: false, reason: `${tool} is not installed` };
  }
  return { ok: true, reason: "" };
}

/**
 * Returns true when the suite should run. Outside CI a missing capability prints why and
 * skips; in CI it throws, so the run fails instead of silently skipping.
 */
export function requireCapability(name: string, cap: Capability): boolean {
  if (cap.ok) return true;
  const message = `[${name}] ${cap.reason}`;
  if (inCi()) throw new Error(`${message}: required in CI (CI=true)`);
  console.warn(`skipping ${message}`);
  return false;
}
