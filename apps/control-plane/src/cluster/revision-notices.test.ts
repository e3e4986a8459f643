import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeRevisionNotice, encodeRevisionNotices, MAX_NOTICE_BYTES } from "./revision-notices.ts";

const changes = (count: number) => Array.from({ length: count }, (_, i) => ({ serverId: randomUUID(), revision: 1_000_000 + i }));

describe("revision notices between replicas", () => {
  it("name each server and revision, every payload under PostgreSQL's 8,000-byte limit, and read back the same", () => {
    const made = changes(500);
    const payloads = encodeRevisionNotices("replica-a", made);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
    const read = payloads.map(decodeRevisionNotice);
    expect(read.every((notice) => notice?.kind === "changes" && notice.from === "replica-a")).toBe(true);
    expect(read.flatMap((notice) => (notice?.kind === "changes" ? notice.changes : []))).toEqual(made);
  });

  it("a fleet-wide bump is ONE recheck notice, not thousands of ids", () => {
    const payloads = encodeRevisionNotices("replica-a", changes(10_000));
    expect(payloads).toHaveLength(1);
    expect(decodeRevisionNotice(payloads[0]!)).toEqual({ from: "replica-a", kind: "recheck" });
  });

  it("nothing to say is no notice", () => {
    expect(encodeRevisionNotices("replica-a", [])).toEqual([]);
  });

  it("a payload no replica wrote (another NOTIFY on the channel, a truncated one) is ignored", () => {
    for (const payload of ["", "{", "null", '{"f":"x"}', '{"f":"x","c":[["id",-1]]}', '{"f":"x","all":true,"extra":1}', '{"f":"x","c":[]}']) {
      expect(decodeRevisionNotice(payload), payload).toBeNull();
    }
  });
});
