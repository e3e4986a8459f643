// One connected agent, seen from the hub. Deliberately small (a few fields, no copy of the
// desired state): 10,000 of these must fit in a few MB beside the sockets themselves.
import WebSocket from "ws";
import {
  encodeMessage,
  parseAgentMessage,
  PROTOCOL_VERSION,
  type HelloMessage,
  type HubMessage,
  type RawMessage,
  type ReportMessage,
  type SetLookupAnswer,
  type CountryNetworksRequest,
  SET_LOOKUP_FEATURE,
} from "@gatehouse/protocol";
import type { DesiredSnapshot } from "./hub-types.ts";

/** What a connection needs from its hub (kept narrow so connections hold one reference). */
export interface ConnectionHost {
  loadSnapshot(serverId: string): Promise<DesiredSnapshot | null>;
  storeReport(server: { id: string; tenantId: string }, report: ReportMessage): Promise<void>;
  onProtocolError(serverId: string, error: string): void;
  onFailure(serverId: string, what: string, error: unknown): void;
  onSetLookupAnswer(serverId: string, answer: SetLookupAnswer): void;
  /** The encoded `country-networks` answer to an agent's request. */
  answerCountryNetworks(request: CountryNetworksRequest): Promise<string>;
}

/** Unsent bytes on a socket past which a change is announced (`changed`) instead of pushed. */
const PUSH_BACKLOG_BYTES = 256 * 1024;

/** Country requests one connection may have waiting (a country is asked once per version). */
const MAX_QUEUED_COUNTRY_REQUESTS = 256;

/** Close codes the hub uses (4000-4999 are the application's). */
const CLOSE_REVOKED = 4001;
export const CLOSE_REPLACED = 4002;
const CLOSE_PROTOCOL_VERSION = 4003;

/** What the database said when the agent connected: enough to tell whether it is up to date. */
export interface SyncAtConnect {
  revision: number;
  appliedRevision: number | null;
  appliedHash: string | null;
}

export class AgentConnection {
  /** Cleared at each heartbeat, set by any pong or message. */
  alive = true;
  /** Which slice of the hub's heartbeat pings this connection (agent-hub.ts). */
  heartbeatSlice = 0;
  private loading = false;
  private reloadWanted = false;
  private lastNotified = -1;
  /** The agent's hello said it answers `set-lookup`. */
  answersSetLookup = false;
  /** One country answer at a time per connection (each may be megabytes); the rest wait here. */
  private countryAnswers: Promise<void> = Promise.resolve();
  private countryRequestsQueued = 0;

  constructor(
    readonly serverId: string,
    readonly tenantId: string,
    readonly credentialHash: string,
    readonly socket: WebSocket,
    private readonly host: ConnectionHost,
    /** Dropped once the agent's hello has been answered. */
    private atConnect: SyncAtConnect | null,
  ) {}

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: HubMessage): void {
    if (this.open) this.socket.send(encodeMessage(message));
  }

  /**
   * A committed change of this server's desired state. The new state is pushed at once: the
   * hub's loader takes a fleet-wide change in a few batched queries, and the agent is spared
   * the `changed` -> `fetch` round trip (half the messages of a fetch storm). A slow reader
   * whose socket still holds more than PUSH_BACKLOG_BYTES unsent gets only `changed {revision}`,
   * so its backlog does not grow by whole states; it fetches once it has read.
   * Repeats are dropped; changes arriving during a load are coalesced into one reload.
   */
  stateChanged(revision: number): void {
    if (revision <= this.lastNotified || !this.open) return;
    if (this.socket.bufferedAmount > PUSH_BACKLOG_BYTES) {
      this.lastNotified = revision;
      this.send({ type: "changed", revision });
      return;
    }
    void this.sendSnapshot();
  }

  /** The credential no longer holds: say so and disconnect at once. */
  revoke(reason: string): void {
    this.send({ type: "revoked", reason });
    this.socket.close(CLOSE_REVOKED, "revoked");
    // A peer that does not answer the close handshake is cut off anyway.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  onMessage(data: RawMessage): void {
    this.alive = true;
    const parsed = parseAgentMessage(data);
    if (!parsed.ok) {
      this.host.onProtocolError(this.serverId, parsed.error.message);
      this.socket.close(1008, parsed.error.code);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case "hello":
        this.onHello(message);
        return;
      case "fetch":
        void this.sendSnapshot();
        return;
      case "report":
        void this.storeReport(message);
        return;
      case "set-lookup-answer":
        this.host.onSetLookupAnswer(this.serverId, message);
        return;
      case "country-networks-request":
        this.queueCountryAnswer(message);
        return;
    }
  }

  /**
   * Answers in order, one at a time, the next only once the last left for the kernel's socket
   * buffer: an agent that asks and does not read holds at most one answer in the hub's memory.
   * Beyond the bound a request is dropped (the agent asks again on its next session).
   */
  private queueCountryAnswer(request: CountryNetworksRequest): void {
    if (this.countryRequestsQueued >= MAX_QUEUED_COUNTRY_REQUESTS) return;
    this.countryRequestsQueued += 1;
    this.countryAnswers = this.countryAnswers.then(async () => {
      try {
        const frame = await this.host.answerCountryNetworks(request);
        if (this.open) await new Promise<void>((resolve) => this.socket.send(frame, { binary: false }, () => resolve()));
      } catch (error) {
        this.host.onFailure(this.serverId, `answering the networks of ${request.country}`, error);
      } finally {
        this.countryRequestsQueued -= 1;
      }
    });
  }

  /**
   * A session starts with the full desired state, unless the agent already enforces exactly the
   * current one: its hello names the current revision and the hash it last reported applying.
   * Every change of a server's desired state bumps its revision (runMutation, the expiry
   * sweeper), so equal revisions mean equal states. That agent gets `ack {revision}` instead —
   * which also confirms a commit-confirm window it may have open — and a control-plane restart
   * costs 10,000 in-sync agents one batched query instead of 10,000 state loads.
   */
  private onHello(hello: HelloMessage): void {
    const known = this.atConnect;
    this.atConnect = null;
    this.answersSetLookup = hello.features?.includes(SET_LOOKUP_FEATURE) ?? false;
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.send({ type: "error", message: `protocol version ${hello.protocolVersion} is not supported; this control plane speaks ${PROTOCOL_VERSION}` });
      this.socket.close(CLOSE_PROTOCOL_VERSION, "protocol version");
      return;
    }
    const inSync =
      known !== null &&
      hello.appliedRevision === known.revision &&
      known.appliedRevision === known.revision &&
      hello.appliedHash !== undefined &&
      hello.appliedHash === known.appliedHash;
    if (!inSync) {
      void this.sendSnapshot();
      return;
    }
    this.lastNotified = Math.max(this.lastNotified, known.revision);
    this.send({ type: "ack", revision: known.revision });
  }

  /**
   * Sends the full desired state; requests arriving meanwhile are coalesced into one reload. The
   * state is loaded with the server's credential hash: a connection whose credential was
   * revoked or replaced (re-enrolled) since it connected is cut off instead.
   */
  async sendSnapshot(): Promise<void> {
    if (this.loading) {
      this.reloadWanted = true;
      return;
    }
    this.loading = true;
    try {
      do {
        this.reloadWanted = false;
        const snapshot = await this.host.loadSnapshot(this.serverId);
        if (snapshot === null) return this.revoke("this server was revoked or removed from the control plane");
        if (snapshot.credentialHash !== this.credentialHash) return this.revoke("this server's credential was revoked");
        this.lastNotified = Math.max(this.lastNotified, snapshot.revision);
        if (this.open) this.socket.send(snapshot.frame(), { binary: false });
      } while (this.reloadWanted && this.open);
    } catch (error) {
      this.host.onFailure(this.serverId, "loading the desired state", error);
      this.send({ type: "error", message: "the control plane could not load this server's desired state; reconnect later" });
      this.socket.close(1011, "internal error");
    } finally {
      this.loading = false;
    }
  }

  /** Acks a report once the hub has stored it (reports are written in batches). */
  private async storeReport(report: ReportMessage): Promise<void> {
    try {
      await this.host.storeReport({ id: this.serverId, tenantId: this.tenantId }, report);
    } catch (error) {
      this.host.onFailure(this.serverId, "storing a report", error);
    }
    this.send({ type: "ack", revision: report.appliedRevision });
  }
}
