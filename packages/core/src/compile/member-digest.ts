// A digest of a set of members that does not depend on their order, so it can be kept up to date
// member by member: adding a member adds its hash, removing it subtracts it. A delta on a 100k
// set then costs a hash per changed member instead of sorting and hashing all 100k again, and
// the same members give the same digest however they got there (full load or many deltas).
// It tells rulesets apart (AppliedSummary.rulesetHash); it is no defence against someone who
// chooses members to collide, and nothing relies on it for that.

// The two lanes of the last hashLanes() call: module state instead of a returned pair, so that
// hashing 100k members allocates nothing.
let lowLane = 0;
let highLane = 0;

/**
 * Two 32-bit hashes of the text (cyrb53 by bryc, public domain): hand-written because node:crypto
 * costs about a microsecond per call, a tenth of a second for a 100k set.
 */
function hashLanes(text: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  lowLane = h1 >>> 0;
  highLane = h2 >>> 0;
}

export class MemberDigest {
  private low = 0;
  private high = 0;

  add(member: string): void {
    hashLanes(member);
    this.low = (this.low + lowLane) >>> 0;
    this.high = (this.high + highLane) >>> 0;
  }

  remove(member: string): void {
    hashLanes(member);
    this.low = (this.low - lowLane) >>> 0;
    this.high = (this.high - highLane) >>> 0;
  }

  toString(): string {
    return `${this.high.toString(16).padStart(8, "0")}${this.low.toString(16).padStart(8, "0")}`;
  }
}
