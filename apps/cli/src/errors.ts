// Every failure ends as ONE line on stderr and a non-zero exit. This module turns whatever
// was thrown (our own CliError, a tRPC error carrying the server's message, a refused
// connection) into that line.
import { TRPCClientError } from "@trpc/client";

/** A failure the user can act on; its message is shown as is. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit codes: 1 = the request failed or was refused, 2 = cannot reach / not configured. */
const EXIT_FAILED = 1;
export const EXIT_UNREACHABLE = 2;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_SOCKET: "connection closed",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host",
};

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/**
 * Why the request never got an answer ("connection refused (ECONNREFUSED)"), or undefined
 * when it did. fetch() reports every such failure as TypeError("fetch failed") with the
 * socket's error as its cause.
 */
function transportFailure(err: unknown): string | undefined {
  const chain = causeChain(err);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_CODES) return `${NETWORK_CODES[code]} (${code})`;
  }
  const fetchFailed = chain.findIndex((e) => e instanceof TypeError && e.message === "fetch failed");
  if (fetchFailed < 0) return undefined;
  const innermost = chain[chain.length - 1];
  return fetchFailed === chain.length - 1 ? "fetch failed" : oneLine(innermost instanceof Error ? innermost.message : String(innermost));
}

function unreachable(endpoint: string, why: string): { message: string; exitCode: number } {
  return { message: `cannot reach the control plane at ${endpoint}: ${why}`, exitCode: EXIT_UNREACHABLE };
}

/** tRPC's default formatter sends zod issues as a JSON array in the message: unwrap them. */
function readableServerMessage(message: string): string {
  const trimmed = message.trim();
  if (!trimmed.startsWith("[")) return oneLine(trimmed);
  try {
    const issues = JSON.parse(trimmed) as Array<{ message?: string; path?: unknown[] }>;
    const parts = issues.map((issue) => {
      const path = Array.isArray(issue.path) && issue.path.length ? `${issue.path.join(".")}: ` : "";
      return `${path}${issue.message ?? "invalid"}`;
    });
    return parts.length ? parts.join("; ") : oneLine(trimmed);
  } catch {
    return oneLine(trimmed);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

function httpStatus(err: TRPCClientError<never>): number | undefined {
  const meta = err.meta as { response?: { status?: unknown } } | undefined;
  const status = meta?.response?.status ?? (err.data as { httpStatus?: unknown } | undefined)?.httpStatus;
  return typeof status === "number" ? status : undefined;
}

function describeTrpcError(err: TRPCClientError<never>, endpoint: string): { message: string; exitCode: number } {
  const why = transportFailure(err);
  if (why) return unreachable(endpoint, why);
  const data = err.data as { code?: unknown } | undefined;
  if (!data?.code) {
    // No tRPC error shape: the answer did not come from a Gatehouse control plane.
    const status = httpStatus(err);
    const what = status ? `HTTP ${status}` : oneLine(err.message);
    return { message: `${endpoint} did not answer as a Gatehouse control plane (${what}); check GATEHOUSE_URL`, exitCode: EXIT_UNREACHABLE };
  }
  const message = readableServerMessage(err.message);
  if (data.code === "UNAUTHORIZED") {
    return { message: `not signed in (${message}): run \`gatehouse login\` or set GATEHOUSE_TOKEN`, exitCode: EXIT_FAILED };
  }
  return { message, exitCode: EXIT_FAILED };
}

/** The one line and exit code for anything a command threw. */
export function describeFailure(err: unknown, endpoint: string): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof TRPCClientError) return describeTrpcError(err as TRPCClientError<never>, endpoint);
  const why = transportFailure(err);
  if (why) return unreachable(endpoint, why);
  return { message: oneLine(err instanceof Error ? err.message : String(err)), exitCode: EXIT_FAILED };
}
