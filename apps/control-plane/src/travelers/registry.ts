// The travelers service of a running control plane, found from its app object. Kept beside
// the app (not on it) so the travelers extension attaches without the core app knowing it.
import { GatehouseError } from "@gatehouse/core";
import type { ControlPlaneApp } from "../app.ts";
import type { TravelersContext } from "./context.ts";

const attached = new WeakMap<ControlPlaneApp, TravelersContext>();

export function registerTravelers(app: ControlPlaneApp, travelers: TravelersContext): void {
  attached.set(app, travelers);
}

export function travelersOf(app: ControlPlaneApp): TravelersContext {
  const travelers = attached.get(app);
  if (!travelers) throw new GatehouseError("NOT_FOUND", "travelers are not enabled in this control plane");
  return travelers;
}
