// What one replica tells the others after a commit, as PostgreSQL NOTIFY payloads. PostgreSQL
// caps a payload below 8,000 bytes, so a change to a few servers travels as a few notices that
// name each server and its new revision; anything bigger (a fleet- or tenant-wide bump) travels
// as ONE "recheck" notice, and each replica reads the revisions of its own connected agents in
// one query instead of parsing thousands of ids it mostly does not hold.
import { z } from "zod";
import type { RevisionChange } from "../bus.ts";

export const REVISION_CHANNEL = "gatehouse_revisions";

/** Below PostgreSQL's 8,000-byte NOTIFY limit, with room for the envelope. */
export const MAX_NOTICE_BYTES = 7_900;

/** More detailed notices than this for one commit and a single recheck is cheaper. */
const MAX_DETAILED_NOTICES = 4;

export type RevisionNotice =
  | { from: string; kind: "changes"; changes: RevisionChange[] }
  | { from: string; kind: "recheck" };

const noticeSchema = z.union([
  z.strictObject({ f: z.string().min(1), c: z.array(z.tuple([z.string().min(1), z.number().int().nonnegative()])).min(1) }),
  z.strictObject({ f: z.string().min(1), all: z.literal(true) }),
]);

/** The payloads announcing `changes` made by replica `from`: detailed if they fit a few notices, else one recheck. */
export function encodeRevisionNotices(from: string, changes: readonly RevisionChange[]): string[] {
  if (changes.length === 0) return [];
  const payloads: string[] = [];
  let batch: [string, number][] = [];
  let size = envelopeBytes(from);
  for (const { serverId, revision } of changes) {
    const item: [string, number] = [serverId, revision];
    const itemBytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (batch.length > 0 && size + itemBytes > MAX_NOTICE_BYTES) {
      payloads.push(JSON.stringify({ f: from, c: batch }));
      if (payloads.length === MAX_DETAILED_NOTICES) return [JSON.stringify({ f: from, all: true })];
      batch = [];
      size = envelopeBytes(from);
    }
    batch.push(item);
    size += itemBytes;
  }
  payloads.push(JSON.stringify({ f: from, c: batch }));
  return payloads.length > MAX_DETAILED_NOTICES ? [JSON.stringify({ f: from, all: true })] : payloads;
}

/** Null for a payload no replica of this version wrote (ignored, and logged by the caller). */
export function decodeRevisionNotice(payload: string): RevisionNotice | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  const notice = noticeSchema.safeParse(parsed);
  if (!notice.success) return null;
  if ("all" in notice.data) return { from: notice.data.f, kind: "recheck" };
  return { from: notice.data.f, kind: "changes", changes: notice.data.c.map(([serverId, revision]) => ({ serverId, revision })) };
}

function envelopeBytes(from: string): number {
  return Buffer.byteLength(JSON.stringify({ f: from, c: [] }));
}
