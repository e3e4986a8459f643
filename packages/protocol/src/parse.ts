// Decoding at the boundary: raw WebSocket data in, a typed message or a typed error out.
// Size is checked before JSON.parse so an oversized message costs nothing to refuse.
import type { z } from "zod";
import { agentMessageSchema, type AgentMessage } from "./agent-messages.ts";
import { hubMessageSchema, type HubMessage } from "./hub-messages.ts";
import { MAX_AGENT_MESSAGE_BYTES, MAX_HUB_MESSAGE_BYTES, MAX_SMALL_MESSAGE_BYTES } from "./version.ts";

type ProtocolErrorCode = "too_large" | "not_json" | "invalid";

interface ProtocolError {
  code: ProtocolErrorCode;
  message: string;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };

export type RawMessage = string | Buffer | ArrayBuffer | Buffer[];

function toBuffer(raw: RawMessage): Buffer {
  if (typeof raw === "string") return Buffer.from(raw, "utf8");
  if (Array.isArray(raw)) return Buffer.concat(raw);
  if (raw instanceof ArrayBuffer) return Buffer.from(raw);
  return raw;
}

function decode<T>(raw: RawMessage, limit: number, schema: z.ZodType<T>): ParseResult<T> {
  const bytes = toBuffer(raw);
  if (bytes.length > limit) {
    return { ok: false, error: { code: "too_large", message: `message of ${bytes.length} bytes exceeds ${limit}` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, error: { code: "not_json", message: "message is not JSON" } };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return { ok: false, error: { code: "invalid", message: `invalid message${where}: ${issue?.message ?? "unknown"}` } };
  }
  return { ok: true, message: parsed.data };
}

/** An agent -> hub message (hello, fetch, report). */
export function parseAgentMessage(raw: RawMessage): ParseResult<AgentMessage> {
  return decode(raw, MAX_AGENT_MESSAGE_BYTES, agentMessageSchema);
}

/** Hub -> agent messages that may be large: a state snapshot, a country's networks. */
const LARGE_HUB_MESSAGES: ReadonlySet<HubMessage["type"]> = new Set(["state", "country-networks"]);

/** A hub -> agent message; only `state` and `country-networks` may be large. */
export function parseHubMessage(raw: RawMessage): ParseResult<HubMessage> {
  const result = decode(raw, MAX_HUB_MESSAGE_BYTES, hubMessageSchema);
  if (result.ok && !LARGE_HUB_MESSAGES.has(result.message.type) && toBuffer(raw).length > MAX_SMALL_MESSAGE_BYTES) {
    return { ok: false, error: { code: "too_large", message: `${result.message.type} message exceeds ${MAX_SMALL_MESSAGE_BYTES} bytes` } };
  }
  return result;
}

/** Serialise a message for the wire (one place, so both sides agree). */
export function encodeMessage(message: AgentMessage | HubMessage): string {
  return JSON.stringify(message);
}
