// The `state` message as the bytes sent on the socket. Servers folded together (see
// desired-state-fold.ts) differ only by revision, hash and server id, so the state is written as
// JSON once per fold and each server's frame is copied together from that and its own three
// fields: JSON.stringify of a 300-entry state costs ~200 µs, and a fetch storm sends 10,000.
import type { DesiredState } from "@gatehouse/core";
import { encodeMessage, type StateMessage } from "@gatehouse/protocol";
import { textAroundServerId } from "../services/desired-state-fold.ts";

export type StateFrameWriter = (message: Omit<StateMessage, "type" | "state">, serverId: string) => Buffer;

const CLOSE = Buffer.from("}");

/** Frames parse back to {type: "state", revision, hash, state: {...shared, serverId}}. */
export function stateFrameWriter(shared: DesiredState): StateFrameWriter {
  const around = textAroundServerId(shared, (state) => JSON.stringify(state));
  if (around === null) return ({ revision, hash }, serverId) => Buffer.from(encodeMessage({ type: "state", revision, hash, state: { ...shared, serverId } }));
  const [head, tail] = around.map((text) => Buffer.from(text)) as [Buffer, Buffer];
  return ({ revision, hash }, serverId) =>
    Buffer.concat([Buffer.from(`{"type":"state","revision":${JSON.stringify(revision)},"hash":${JSON.stringify(hash)},"state":`), head, Buffer.from(JSON.stringify(serverId)), tail, CLOSE]);
}
