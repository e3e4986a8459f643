// How other parts plug into the control plane's one HTTP server without touching it: an
// extension handles some requests (the traveler link page) and/or WebSocket upgrades (the agent
// hub at /agent), and is closed with the server. Routing order: /trpc, /healthz, /metrics, then
// extensions in registration order, then the web console's static files, then 404.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ControlPlaneApp } from "./app.ts";
import type { ExpirySweeper } from "./services/expiry-sweeper.ts";

export interface HttpExtension {
  /** Handle the request and return true, or return false (without writing) to pass it on. */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
  /** Take over the upgrade and return true, or return false to pass it on. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Parts of /healthz this extension reports (e.g. `{ ivr: {...} }`); read on each request. */
  health?(): Record<string, unknown>;
  /** Called on shutdown, in reverse registration order, before the database closes. */
  close?(): void | Promise<void>;
}

/** What an extension is given when the control plane starts. */
interface ExtensionHost {
  app: ControlPlaneApp;
  sweeper: ExpirySweeper;
}

/** Builds an extension at start; may also just hook into app/sweeper and return nothing. */
export type ControlPlaneExtension = (host: ExtensionHost) => HttpExtension | void | Promise<HttpExtension | void>;
