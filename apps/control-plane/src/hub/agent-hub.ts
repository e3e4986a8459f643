// The agent hub: a WebSocket server (ws, noServer) on the control plane's HTTP server at
// /agent. It authenticates agents by their bearer credential, answers each agent's hello with
// its full desired state (or an ack when it is provably up to date), pushes connected agents
// their new state after every committed change (made here or, through the bus, on another
// replica), stores their reports and acks them, records their presence in the database, and
// drops dead links (ping every 15 s) and revoked servers.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { sha256Hex } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import { encodeMessage, MAX_AGENT_MESSAGE_BYTES, type CountryNetworksRequest, type ReportMessage, type SetLookupAnswer } from "@gatehouse/protocol";
import { bearerSecret } from "../auth/secrets.ts";
import { AgentConnection, CLOSE_REPLACED, type ConnectionHost } from "./agent-connection.ts";
import { CredentialLookup, type AgentServer } from "./credential-lookup.ts";
import type { DesiredSnapshot, RevisionEvent, RevisionFeed } from "./hub-types.ts";
import { idChunks } from "./id-chunks.ts";
import { PresenceWriter } from "./presence-writer.ts";
import { ReportWriter, type ReportingServer } from "./report-store.ts";
import { SetLookups, type LiveSetLookup } from "./set-lookups.ts";

export interface AgentHubOptions {
  prisma: PrismaClient;
  feed: RevisionFeed;
  /** This replica (cluster/replica-registry.ts): agents connected here are recorded under it. */
  replicaId: string;
  /** The server's desired state now; null when the server no longer exists. */
  loadSnapshot: (serverId: string) => Promise<DesiredSnapshot | null>;
  /** Resolves once no state is waiting to load or be pushed: report batches wait for it (report-store.ts). */
  snapshotsIdle?: () => Promise<void>;
  logger: Logger;
  heartbeatIntervalMs?: number;
  /** The control plane's clock (report and last-seen times). */
  now?: () => Date;
  /** Told of every report once stored (metrics, benchmarks). */
  onReport?: (serverId: string, report: ReportMessage) => void;
  /** Told when a server's agent connects (true) or its last connection here ends (false): alerts. */
  onPresence?: (serverId: string, online: boolean) => void;
  /** The encoded answer to an agent's country-networks request (hub/country-networks.ts); without it, a refusal. */
  countryNetworks?: (request: CountryNetworksRequest) => Promise<string>;
}

/**
 * Connections are pinged a slice at a time, spread over the heartbeat interval: pinging 10,000
 * sockets at once holds the event loop for a good part of a second (one write each), and a
 * fleet-wide change or a replica's failover landing then waits behind it.
 */
const HEARTBEAT_SLICES = 15;

export class AgentHub implements ConnectionHost {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
  private readonly connections = new Map<string, AgentConnection>();
  private readonly presence: PresenceWriter;
  private readonly credentials: CredentialLookup;
  private readonly reports: ReportWriter;
  private readonly heartbeat: NodeJS.Timeout;
  /** The heartbeat slice pinged next, and the one the next connection joins. */
  private beatSlice = 0;
  private joinSlice = 0;
  private readonly unsubscribe: (() => void)[];
  private readonly lookups = new SetLookups();
  private pendingChanges = new Map<string, number>();
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly options: AgentHubOptions) {
    const now = options.now ?? (() => new Date());
    this.presence = new PresenceWriter({ prisma: options.prisma, replicaId: options.replicaId, logger: options.logger, now });
    this.credentials = new CredentialLookup(options.prisma);
    this.reports = new ReportWriter({ prisma: options.prisma, logger: options.logger, now, pushesSettled: options.snapshotsIdle });
    this.unsubscribe = [options.feed.subscribe((event) => this.onRevision(event)), options.feed.onRecheck(() => void this.recheck())];
    this.heartbeat = setInterval(() => this.beat(), (options.heartbeatIntervalMs ?? 15_000) / HEARTBEAT_SLICES);
    this.heartbeat.unref();
  }

  /** For the control plane's HTTP `upgrade` event on the agent path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.authenticateAndUpgrade(req, socket, head);
  }

  /** Writes every connection's presence again (this replica's row was reaped while it was frozen). */
  rewritePresence(): void {
    for (const serverId of this.connections.keys()) this.presence.connected(serverId);
  }

  /** Drops a server's connection at once (revoked, re-enrolled, deleted). */
  disconnect(serverId: string, reason: string): void {
    this.connections.get(serverId)?.revoke(reason);
  }

  /** Asks the server's agent, if it is connected here, whether its kernel sets hold `address`. */
  lookupSets(serverId: string, address: string, timeoutMs: number): Promise<LiveSetLookup> {
    const connection = this.connections.get(serverId);
    if (connection === undefined || !connection.open) return Promise.resolve({ status: "offline" });
    if (!connection.answersSetLookup) return Promise.resolve({ status: "unsupported" });
    return this.lookups.ask(serverId, address, timeoutMs, (request) => connection.send(request));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    clearInterval(this.heartbeat);
    for (const connection of this.connections.values()) connection.socket.close(1001, "control plane stopping");
    // Nothing may reach the database once this resolves: the plane closes it next.
    await this.options.snapshotsIdle?.();
    await this.presence.close([...this.connections.keys()]);
    await this.reports.close();
    this.wss.close();
  }

  // --- ConnectionHost ------------------------------------------------------------------

  /** Bounded and batched by the loader (agent-hub-extension.ts: snapshot-loader.ts), not here. */
  loadSnapshot(serverId: string): Promise<DesiredSnapshot | null> {
    return this.options.loadSnapshot(serverId);
  }

  async storeReport(server: ReportingServer, report: ReportMessage): Promise<void> {
    await this.reports.store(server, report);
    this.options.onReport?.(server.id, report);
  }

  onProtocolError(serverId: string, error: string): void {
    this.options.logger.warn({ serverId, error }, "agent sent a malformed message; closing its connection");
  }

  onSetLookupAnswer(serverId: string, answer: SetLookupAnswer): void {
    this.lookups.answered(serverId, answer);
  }

  answerCountryNetworks(request: CountryNetworksRequest): Promise<string> {
    if (this.options.countryNetworks) return this.options.countryNetworks(request);
    const error = "this control plane has no geo database";
    return Promise.resolve(encodeMessage({ type: "country-networks", country: request.country, version: request.version, networks: [], error }));
  }

  onFailure(serverId: string, what: string, error: unknown): void {
    this.options.logger.error({ serverId, err: error }, `hub failed ${what}`);
  }

  // --- connections ---------------------------------------------------------------------

  private async authenticateAndUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    const secret = bearerSecret(req.headers.authorization);
    if (secret === null || this.closed) return refuse(socket, this.closed ? 503 : 401);
    const credentialHash = sha256Hex(secret);
    let server: AgentServer | null;
    try {
      server = await this.credentials.find(credentialHash);
    } catch (error) {
      this.options.logger.error({ err: error }, "agent authentication failed");
      return refuse(socket, 503);
    }
    if (server === null || server.revokedAt !== null) return refuse(socket, 401);
    if (socket.destroyed) return;
    const known = server;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, known, credentialHash));
  }

  private accept(ws: WebSocket, server: AgentServer, credentialHash: string): void {
    const serverId = server.id;
    const previous = this.connections.get(serverId);
    if (previous) previous.socket.close(CLOSE_REPLACED, "replaced by a newer connection");
    const sync = { revision: server.revision, appliedRevision: server.appliedRevision, appliedHash: server.appliedHash };
    const connection = new AgentConnection(serverId, server.tenantId, credentialHash, ws, this, sync);
    connection.heartbeatSlice = this.joinSlice;
    this.joinSlice = (this.joinSlice + 1) % HEARTBEAT_SLICES;
    this.connections.set(serverId, connection);
    this.presence.connected(serverId);
    this.options.onPresence?.(serverId, true);
    ws.on("message", (data) => connection.onMessage(data));
    ws.on("pong", () => (connection.alive = true));
    ws.on("error", () => ws.terminate());
    ws.on("close", () => this.forget(connection));
  }

  private forget(connection: AgentConnection): void {
    if (this.connections.get(connection.serverId) !== connection) return;
    this.connections.delete(connection.serverId);
    this.lookups.disconnected(connection.serverId);
    this.presence.disconnected(connection.serverId);
    this.options.onPresence?.(connection.serverId, false);
  }

  /** One slice of the connections: each is pinged once per heartbeat interval. */
  private beat(): void {
    const slice = this.beatSlice;
    this.beatSlice = (slice + 1) % HEARTBEAT_SLICES;
    for (const connection of this.connections.values()) {
      if (connection.heartbeatSlice !== slice) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  // --- fan-out -------------------------------------------------------------------------

  /**
   * Another replica made a change too big to name server by server, or this replica's LISTEN
   * connection was lost: every connected agent's revision is read again, and those behind are
   * told as if the change had been announced.
   */
  private async recheck(): Promise<void> {
    for (const chunk of idChunks([...this.connections.keys()])) {
      try {
        const rows = await this.options.prisma.server.findMany({ where: { id: { in: chunk } }, select: { id: true, revision: true } });
        for (const row of rows) this.onRevision({ serverId: row.id, revision: row.revision });
        const found = new Set(rows.map((row) => row.id));
        for (const serverId of chunk) if (!found.has(serverId)) this.disconnect(serverId, "this server was removed from the control plane");
      } catch (error) {
        this.options.logger.error({ err: error }, "cannot recheck connected agents against the database");
      }
    }
  }

  /** Bus events are gathered for one turn of the event loop, then checked and sent together. */
  private onRevision(event: RevisionEvent): void {
    if (!this.connections.has(event.serverId)) return;
    this.pendingChanges.set(event.serverId, Math.max(event.revision, this.pendingChanges.get(event.serverId) ?? -1));
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushChanges());
  }

  /**
   * Hands each changed server's connection its change (agent-connection.ts: the state is pushed,
   * its load batched with the others of this turn). Every load carries the server's credential
   * hash, so an agent revoked or re-enrolled by any means is cut off here.
   */
  private flushChanges(): void {
    const changes = this.pendingChanges;
    this.pendingChanges = new Map();
    this.flushScheduled = false;
    for (const [serverId, revision] of changes) this.connections.get(serverId)?.stateChanged(revision);
  }
}

function refuse(socket: Duplex, status: 401 | 503): void {
  const text = status === 401 ? "Unauthorized" : "Service Unavailable";
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
