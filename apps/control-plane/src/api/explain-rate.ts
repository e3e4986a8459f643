// Explain asks a live agent to run commands on its PBX, so each operator gets a few per minute
// (a fixed window per operator, in this replica's memory): enough for a person at a console or
// a script checking a handful of addresses, not for sweeping address space through an agent.
import { GatehouseError } from "@gatehouse/core";
import type { ControlPlaneApp } from "../app.ts";

export const EXPLAINS_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  count: number;
}

const windows = new WeakMap<ControlPlaneApp, Map<string, Window>>();

/** Counts one explain of `operatorId`; throws RATE_LIMITED beyond the minute's allowance. */
export function countExplain(app: ControlPlaneApp, operatorId: string): void {
  let byOperator = windows.get(app);
  if (byOperator === undefined) windows.set(app, (byOperator = new Map<string, Window>()));
  const nowMs = app.now().getTime();
  for (const [id, window] of byOperator) if (nowMs - window.startedAt >= WINDOW_MS) byOperator.delete(id);
  const window = byOperator.get(operatorId) ?? { startedAt: nowMs, count: 0 };
  if (window.count >= EXPLAINS_PER_MINUTE) {
    const seconds = Math.ceil((window.startedAt + WINDOW_MS - nowMs) / 1000);
    throw new GatehouseError("RATE_LIMITED", `at most ${EXPLAINS_PER_MINUTE} explains a minute per operator; try again in ${seconds} s`);
  }
  window.count += 1;
  byOperator.set(operatorId, window);
}
