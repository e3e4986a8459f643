// The FastAGI server a central Asterisk calls with
//   AGI(agi://<control-plane>:4573/traveler,<secret>)
// AGI itself authenticates nothing, so a connection must come from a configured Asterisk
// address AND carry the shared secret as agi_arg_1 (compared in constant time); anything else
// is closed before a single prompt and audited, and can never reach a grant.
import { createServer, type Server, type Socket } from "node:net";
import type { IvrConfig } from "@gatehouse/core";
import { sameSecret } from "../auth/secrets.ts";
import type { Logger } from "../logger.ts";
import { AgiConnection, AgiLineTooLong } from "./agi-connection.ts";
import { peerAllowlist } from "./peer-allowlist.ts";
import { refusalThrottle } from "./refusal-throttle.ts";
import { SoundCheck, type SoundReport } from "./sound-check.ts";
import { runTravelerCall, type TravelerIvrServices } from "./traveler-call.ts";

type AgiRefusalReason = "peer-not-allowed" | "no-environment" | "line-too-long" | "wrong-secret" | "unknown-script";

export interface FastAgiRefusal {
  remoteAddress: string;
  reason: AgiRefusalReason;
  script: string | null;
  /** Refusals this audit stands for (one audit per peer and reason per window). */
  count: number;
}

export interface FastAgiServices extends TravelerIvrServices {
  /** Audit a connection that was closed without a call. */
  recordRefusedConnection(refusal: FastAgiRefusal): Promise<void>;
}

export interface FastAgiServerOptions {
  /** The listen address; undefined = every interface, IPv6 and IPv4 (Node's "::", else 0.0.0.0). */
  host: string | undefined;
  /** 4573 is Asterisk's FastAGI default; 0 picks a free port (tests). */
  port: number;
  /** CIDRs or addresses of the Asterisk servers allowed to connect. */
  allowedPeers: readonly string[];
  /** The shared secret the dialplan passes as the first AGI argument. */
  secret: string;
  ivr: Partial<IvrConfig>;
  promptPrefix: string;
  environmentTimeoutMs: number;
  replyGraceMs: number;
  maxConnections: number;
  /** Refusals of one peer for one reason are audited once per window. */
  refusalAuditWindowMs: number;
  /** A call asks Asterisk whether it has the IVR's sounds when the last check is this old. */
  soundCheckIntervalMs: number;
}

export const FASTAGI_DEFAULTS = {
  port: 4573,
  promptPrefix: "gatehouse/",
  environmentTimeoutMs: 5_000,
  replyGraceMs: 120_000,
  maxConnections: 200,
  refusalAuditWindowMs: 60_000,
  soundCheckIntervalMs: 60_000,
} as const;

/** The script name in agi://host:port/<script>. */
const TRAVELER_AGI_SCRIPT = "traveler";

export interface FastAgiServer {
  port: number;
  /** For /healthz: whether the last calling Asterisk had every prompt and digit sound. */
  health(): { sounds: SoundReport };
  /**
   * Stop accepting calls, drop the ones in progress (to Asterisk, a hang-up: nothing is
   * half-written) and wait for their handlers, including a grant transaction in flight.
   */
  close(): Promise<void>;
}

export async function startFastAgiServer(
  options: FastAgiServerOptions,
  services: FastAgiServices,
  logger: Logger,
): Promise<FastAgiServer> {
  if (options.secret.length < 16) throw new Error("the FastAGI secret must be at least 16 characters");
  const isAllowedPeer = peerAllowlist(options.allowedPeers);
  const calls = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  const throttle = refusalThrottle(options.refusalAuditWindowMs);
  const sounds = new SoundCheck(options.promptPrefix, options.soundCheckIntervalMs, logger);

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const call = handleConnection(socket).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "FastAGI call failed");
      socket.destroy();
    });
    calls.add(call);
    void call.finally(() => calls.delete(call));
  });
  server.maxConnections = options.maxConnections;

  async function handleConnection(socket: Socket): Promise<void> {
    const remoteAddress = socket.remoteAddress ?? "unknown";
    const refuse = async (reason: AgiRefusalReason, script: string | null = null): Promise<void> => {
      socket.destroy();
      const count = throttle.admit(`${remoteAddress} ${reason}`, Date.now());
      if (count === 0) return;
      logger.warn({ remoteAddress, reason, count }, "FastAGI connection refused");
      await services.recordRefusedConnection({ remoteAddress, reason, script, count });
    };
    if (!isAllowedPeer(socket.remoteAddress)) return refuse("peer-not-allowed");
    const connection = new AgiConnection(socket);
    let environment: Record<string, string>;
    try {
      environment = await connection.readEnvironment(options.environmentTimeoutMs);
    } catch (error) {
      return refuse(error instanceof AgiLineTooLong ? "line-too-long" : "no-environment");
    }
    const script = scriptName(environment);
    if (!sameSecret(environment.agi_arg_1 ?? "", options.secret)) {
      return refuse("wrong-secret", script);
    }
    if (script !== TRAVELER_AGI_SCRIPT) return refuse("unknown-script", script);
    try {
      const summary = await runTravelerCall(connection, environment, services, { ...options, sounds }, logger);
      logger.info({ outcome: summary.outcome, hungUpAt: summary.hungUpAt }, "traveler call ended");
    } finally {
      connection.close();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  logger.info({ host: typeof address === "object" && address ? address.address : options.host, port }, "FastAGI server listening");
  logger.info({ sounds: "unchecked" }, "the first call asks Asterisk whether it has every IVR prompt and digit sound (see /healthz)");

  return {
    port,
    health: () => ({ sounds: sounds.current() }),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await Promise.allSettled([...calls]);
    },
  };
}

/** agi_network_script, falling back to the path of agi_request ("agi://host/traveler"). */
function scriptName(environment: Record<string, string>): string | null {
  const script = environment.agi_network_script ?? /^agi:\/\/[^/]*\/([^?,]*)/.exec(environment.agi_request ?? "")?.[1];
  return script ? script.replace(/^\/+/, "") : null;
}
