// Lockouts that strangers cannot use (OWASP's "device cookie" idea, applied to sign-ins and
// traveler PINs alike). Failed guesses are counted under three keys:
//   pair      one account from one source (address, known-device cookie, caller ID);
//   account   one account from every source together: the bound on guessing an account;
//   source    one source across every account (spraying).
// A withheld caller ID is one key shared by every stranger who withholds theirs, so it has
// neither a pair nor a source counter (either would let strangers lock each other out): only
// the account counter holds it, and the caller adds its own limits (fewer tries per call).
// A source that signed in to the account before ("known") is held only by its own pair
// counter, so strangers' failures elsewhere never keep the right password or PIN out. An
// unknown source is held by all three. The storage of the counts is the caller's business.

export interface FailureLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface LockoutPolicy {
  readonly pair: FailureLimit;
  readonly account: FailureLimit;
  readonly source: FailureLimit;
}

/** Where a guess comes from. */
export interface GuessSource {
  /** "address:198.51.100.7", "device:<sha-256>", "caller:15550100000", "web:203.0.113.5", "caller:withheld". */
  readonly key: string;
  /** False for withheld caller IDs: every withheld caller shares the key, so it must not lock anyone out. */
  readonly sharedByStrangers: boolean;
}

export interface LockoutSubjects {
  /** null for a source strangers share (it would lock them out of each other's accounts). */
  readonly pair: string | null;
  readonly account: string;
  /** null when failures are not counted across accounts for this source. */
  readonly source: string | null;
}

export type LockoutCounts = Record<keyof LockoutSubjects, number>;

export type LockoutRefusal = keyof LockoutSubjects;

/** The subject counting every failure at `account` (e.g. an e-mail) in `realm` ("login", "pin"). */
export function accountSubject(realm: string, account: string): string {
  return `${realm}|${account}`;
}

/** The AuthFailure subjects of a guess at `account` in `realm`; the pair subjects start with accountSubject + "|". */
export function lockoutSubjects(realm: string, account: string, source: GuessSource): LockoutSubjects {
  return {
    pair: source.sharedByStrangers ? null : `${accountSubject(realm, account)}|${source.key}`,
    account: accountSubject(realm, account),
    source: source.sharedByStrangers ? null : `${realm}|*|${source.key}`,
  };
}

/** Which limit refuses the guess before it is checked, or null to check it. */
export function lockoutRefusal(counts: LockoutCounts, knownSource: boolean, policy: LockoutPolicy): LockoutRefusal | null {
  if (counts.pair >= policy.pair.max) return "pair";
  if (knownSource) return null;
  if (counts.account >= policy.account.max) return "account";
  if (counts.source >= policy.source.max) return "source";
  return null;
}

/** The longest window any counter looks back (failures older than that can be deleted). */
export function longestLockoutWindowMs(policy: LockoutPolicy): number {
  return Math.max(policy.pair.windowMs, policy.account.windowMs, policy.source.windowMs);
}
