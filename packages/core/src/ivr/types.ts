// The traveler IVR's vocabulary: what happens to a call (events, fed in by a transport such as
// FastAGI) and what the IVR wants done (actions, carried out by the transport). The machine
// itself (machine.ts) does no I/O and keeps no timers.
import type { PromptId } from "./prompts.ts";

export interface IvrConfig {
  /** Asks per prompt before goodbye (the first ask counts). */
  maxTries: number;
  /** Account + PIN rounds per call before goodbye. */
  maxLoginAttempts: number;
  /** The same for a withheld caller ID, which shares no lockout key: each guess costs a call. */
  withheldLoginAttempts: number;
  /** Addresses entered per call, counting each re-entry after pressing 2. */
  maxAddressEntries: number;
  entryTimeoutMs: number;
  confirmTimeoutMs: number;
  /** The longest entries accepted; a longer one is refused as too long. */
  accountMaxDigits: number;
  pinMaxDigits: number;
  /** "255*255*255*255" is 15 keys. */
  addressMaxDigits: number;
  /** Tests only: documentation ranges become grantable. */
  allowDocumentationAddresses: boolean;
  /** 0 at the address prompt mails a single-use link instead. */
  linkByEmail: boolean;
  /** IANA zone the expiry is spoken in. */
  timeZone: string;
}

export const DEFAULT_IVR_CONFIG: IvrConfig = {
  maxTries: 3,
  maxLoginAttempts: 3,
  withheldLoginAttempts: 1,
  maxAddressEntries: 3,
  entryTimeoutMs: 10_000,
  confirmTimeoutMs: 6_000,
  accountMaxDigits: 16,
  pinMaxDigits: 16,
  addressMaxDigits: 15,
  allowDocumentationAddresses: false,
  linkByEmail: true,
  timeZone: "UTC",
};

export type VerificationOutcome =
  | { ok: true; travelerId: string }
  /** Unknown account, wrong PIN, locked or disabled account: one answer, no enumeration. */
  | { ok: false; reason: "invalid" }
  /** The caller ID has too many recent failures (or withheld callers fail too often right now). */
  | { ok: false; reason: "caller-blocked" }
  | { ok: false; reason: "error" };

export type GrantOutcome = { ok: true; expiresAt: Date } | { ok: false };

export type LinkOutcome = { ok: boolean };

export type IvrEvent =
  | { type: "call-started"; callerId: string }
  /** Keys typed at a get-data prompt; `#` itself is not included. */
  | { type: "digits"; digits: string; terminatedBy: "#" | "timeout" }
  /** Nothing typed before the prompt's timeout. */
  | { type: "timeout" }
  | { type: "hang-up" }
  /** `typedAhead`: keys the caller pressed while the PIN was being checked. */
  | { type: "verification-result"; result: VerificationOutcome; typedAhead?: string }
  | { type: "grant-result"; result: GrantOutcome }
  | { type: "link-result"; result: LinkOutcome };

/**
 * `typeAhead`: a key pressed while this plays stops it and starts the entry the transition
 * ends with (the transport carries the key into that get-data and skips what is left to play).
 * Without it, keys pressed while it plays are lost, as Asterisk discards them.
 */
export type IvrAction =
  | { type: "play"; prompts: PromptId[]; typeAhead?: true }
  /**
   * Play `prompt` and collect up to `maxDigits` keys, ended by `#`, the timeout or the count.
   * Entries read one key more than their limit, so an over-long entry is seen whole enough to
   * be refused instead of being cut to a valid-looking one. `typedAhead`: keys the caller
   * already typed for this entry (while the PIN was checked), to come before what they type now.
   */
  | { type: "get-data"; prompt: PromptId; maxDigits: number; timeoutMs: number; typedAhead?: string }
  | { type: "say-digits"; digits: string; typeAhead?: true }
  | { type: "say-number"; number: number }
  | { type: "verify"; accountNumber: string; pin: string; callerId: string }
  | { type: "create-grant"; travelerId: string; address: string }
  | { type: "request-link"; travelerId: string }
  | { type: "hang-up" };

export type IvrStep =
  | "not-started"
  | "account"
  | "pin"
  | "verifying"
  | "address"
  | "confirm"
  | "granting"
  | "requesting-link"
  | "ended";

export type IvrOutcome =
  | "granted"
  | "link-sent"
  | "caller-hung-up"
  | "no-input"
  | "invalid-entries"
  | "login-failed"
  | "caller-blocked"
  | "address-refused"
  | "grant-failed"
  | "link-failed"
  | "technical-problem";

export interface IvrState {
  readonly config: IvrConfig;
  readonly step: IvrStep;
  readonly callerId: string;
  /** Asks made at the current prompt. */
  readonly tries: number;
  readonly loginAttempts: number;
  readonly addressEntries: number;
  readonly accountNumber: string | null;
  readonly travelerId: string | null;
  readonly address: string | null;
  /** Why entered addresses were refused, in order (for the audit trail). */
  readonly refusals: readonly string[];
  readonly outcome: IvrOutcome | null;
  /** The step the caller hung up at, when they did. */
  readonly hungUpAt: IvrStep | null;
}

export interface IvrTransition {
  state: IvrState;
  actions: IvrAction[];
}
