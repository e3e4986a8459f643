// The agent <-> hub protocol version. Bump it on any change an older peer could not parse;
// the hub refuses a hello that names any other version (see hub/agent-connection.ts).
export const PROTOCOL_VERSION = 1;

/** Where agents open their WebSocket (`wss://<control-plane>/agent`). */
export const AGENT_WS_PATH = "/agent";
/** Where an agent trades its one-time enrollment token for a credential. */
export const ENROLL_PATH = "/agent/enroll";

/** Largest hub -> agent message: a full state snapshot of a big allowlist. */
export const MAX_HUB_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Largest agent -> hub message: a report with every FQDN's answer. */
export const MAX_AGENT_MESSAGE_BYTES = 1024 * 1024;
/** Largest hub -> agent message other than `state` (they carry a number or a reason). */
export const MAX_SMALL_MESSAGE_BYTES = 4 * 1024;
