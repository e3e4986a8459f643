// One outbound WebSocket session with the hub. Tells a refused credential (HTTP 401/403 at
// the upgrade: stop and say so) from everything else (transient: retry with backoff), and
// notices a dead link when the hub's pings stop.
import WebSocket from "ws";
import {
  AGENT_WS_PATH,
  encodeMessage,
  MAX_HUB_MESSAGE_BYTES,
  parseHubMessage,
  type AgentMessage,
  type HubMessage,
} from "@gatehouse/protocol";
import { BASE_CONNECT_TIMEOUT_MS } from "./connect-timeout.ts";

export class CredentialRefusedError extends Error {
  override readonly name = "CredentialRefusedError";
}

class TransientConnectError extends Error {
  override readonly name = "TransientConnectError";
}

export interface HubConnectionOptions {
  /** The control plane's base URL (http(s)://...). */
  url: string;
  credential: string;
  /** PEM CA bundle to trust for wss:// (self-hosted control planes). */
  ca?: string | Buffer;
  /** No ping or message for this long = dead link. */
  heartbeatTimeoutMs: number;
  /** How long the connect and upgrade may take (connect-timeout.ts); default its base. */
  connectTimeoutMs?: number;
  onMessage: (message: HubMessage) => void;
  /** A message that did not parse; the session is closed after this. */
  onProtocolError: (error: string) => void;
}

export interface HubSession {
  send(message: AgentMessage): boolean;
  close(): void;
  /** Resolves when the session ends, with why. */
  readonly closed: Promise<string>;
}

function hubWebSocketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/$/, "")}${AGENT_WS_PATH}`;
  return url.toString();
}

/** Resolves once the upgrade succeeded; rejects with CredentialRefusedError or TransientConnectError. */
export function openHubConnection(options: HubConnectionOptions): Promise<HubSession> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(hubWebSocketUrl(options.url), {
      headers: { Authorization: `Bearer ${options.credential}` },
      maxPayload: MAX_HUB_MESSAGE_BYTES,
      handshakeTimeout: options.connectTimeoutMs ?? BASE_CONNECT_TIMEOUT_MS,
      perMessageDeflate: false,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    let opened = false;
    let settleClosed: (reason: string) => void = () => {};
    const closed = new Promise<string>((r) => (settleClosed = r));
    let deadline: NodeJS.Timeout | undefined;
    const armHeartbeat = () => {
      clearTimeout(deadline);
      deadline = setTimeout(() => socket.terminate(), options.heartbeatTimeoutMs);
    };

    socket.on("unexpected-response", (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      socket.terminate();
      if (status === 401 || status === 403) reject(new CredentialRefusedError(`the control plane refused this agent's credential (HTTP ${status}): the server was revoked or removed; re-enroll it`));
      else reject(new TransientConnectError(`the control plane answered HTTP ${status} to the WebSocket upgrade`));
    });
    socket.on("error", (error) => {
      if (!opened) reject(new TransientConnectError(`cannot reach the control plane: ${error.message}`));
    });
    socket.on("open", () => {
      opened = true;
      armHeartbeat();
      resolve({
        send: (message) => {
          if (socket.readyState !== WebSocket.OPEN) return false;
          socket.send(encodeMessage(message));
          return true;
        },
        close: () => socket.close(1000, "agent stopping"),
        closed,
      });
    });
    socket.on("ping", armHeartbeat);
    socket.on("message", (data) => {
      armHeartbeat();
      const parsed = parseHubMessage(data);
      if (!parsed.ok) {
        options.onProtocolError(parsed.error.message);
        socket.close(1008, parsed.error.code);
        return;
      }
      options.onMessage(parsed.message);
    });
    socket.on("close", (code, reason) => {
      clearTimeout(deadline);
      settleClosed(`closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`);
    });
  });
}
