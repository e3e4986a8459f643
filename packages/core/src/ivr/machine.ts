// The traveler IVR as a pure state machine: greet -> account -> PIN -> address (`*` = dot, or
// 0 for a link by email) -> read back -> 1 confirm / 2 re-enter -> grant -> spoken expiry ->
// goodbye. `advanceIvr(state, event)` returns the next state and the actions to carry out; a
// transition's actions always end with exactly one action the transport awaits (its result is
// the next event) or with hang-up. Callers may type ahead through the prompts that lead to an
// entry (greeting, explanations, read-back), never through the expiry or goodbye.
import { isWithheldCallerId } from "./caller-id.ts";
import { DIALED_ADDRESS_ERROR_PROMPT, parseDialedIPv4 } from "./dialed-address.ts";
import { ADDRESS_REFUSAL_PROMPT, refusalForGrantAddress } from "./grant-address.ts";
import { spokenExpiry } from "./expiry-speech.ts";
import type { PromptId } from "./prompts.ts";
import {
  DEFAULT_IVR_CONFIG,
  type GrantOutcome,
  type IvrAction,
  type IvrConfig,
  type IvrEvent,
  type IvrOutcome,
  type IvrState,
  type IvrStep,
  type IvrTransition,
  type LinkOutcome,
  type VerificationOutcome,
} from "./types.ts";

/** The transport fed an event the current step cannot receive (a transport bug). */
export class IvrEventError extends Error {
  constructor(step: IvrStep, event: IvrEvent["type"]) {
    super(`IVR event "${event}" is not expected at step "${step}"`);
    this.name = "IvrEventError";
  }
}

export function newIvrCall(config: Partial<IvrConfig> = {}): IvrState {
  return {
    config: { ...DEFAULT_IVR_CONFIG, ...config },
    step: "not-started",
    callerId: "",
    tries: 0,
    loginAttempts: 0,
    addressEntries: 0,
    accountNumber: null,
    travelerId: null,
    address: null,
    refusals: [],
    outcome: null,
    hungUpAt: null,
  };
}

export function advanceIvr(state: IvrState, event: IvrEvent): IvrTransition {
  if (event.type === "hang-up") {
    if (state.step === "ended") return { state, actions: [] };
    return { state: { ...ended(state, "caller-hung-up"), hungUpAt: state.step }, actions: [] };
  }
  switch (state.step) {
    case "not-started":
      if (event.type !== "call-started") break;
      return ask({ ...state, callerId: event.callerId }, "account", ["welcome"]);
    case "account":
    case "pin":
    case "address":
    case "confirm":
      if (event.type === "timeout") return retry(state, "no-input", "no-input");
      if (event.type !== "digits") break;
      if (event.digits === "") return retry(state, "no-input", "no-input");
      return onKeys(state, event.digits);
    case "verifying":
      if (event.type !== "verification-result") break;
      return onVerification(state, event.result, event.typedAhead ?? "");
    case "granting":
      if (event.type !== "grant-result") break;
      return onGrant(state, event.result);
    case "requesting-link":
      if (event.type !== "link-result") break;
      return onLink(state, event.result);
    case "ended":
      break;
  }
  throw new IvrEventError(state.step, event.type);
}

function onKeys(state: IvrState, keys: string): IvrTransition {
  const limit = entryLimit(state);
  if (limit !== null && keys.length > limit) return refuseTooLong(state);
  switch (state.step) {
    case "account":
      if (!/^[0-9]+$/.test(keys)) return retry(state, "invalid-entry", "invalid-entries");
      return ask({ ...state, accountNumber: keys }, "pin");
    case "pin":
      if (!/^[0-9]+$/.test(keys)) return retry(state, "invalid-entry", "invalid-entries");
      return verify(state, keys);
    case "address":
      return onAddressKeys(state, keys);
    case "confirm":
      if (keys === "1") return createGrant(state);
      if (keys === "2") return reenterAddress(state);
      return retry(state, "invalid-entry", "invalid-entries");
    default:
      throw new Error(`no keys expected at step ${state.step}`);
  }
}

function verify(state: IvrState, pin: string): IvrTransition {
  const accountNumber = state.accountNumber ?? "";
  return {
    // The PIN leaves the machine in the verify action and is not kept in the state.
    state: { ...state, step: "verifying", tries: 0 },
    actions: [{ type: "verify", accountNumber, pin, callerId: state.callerId }],
  };
}

/** Keys typed while the PIN was checked are the address's beginning, if the login succeeded. */
function onVerification(state: IvrState, result: VerificationOutcome, typedAhead: string): IvrTransition {
  if (result.ok) {
    const next = ask({ ...state, travelerId: result.travelerId, addressEntries: 1 }, "address");
    if (typedAhead === "") return next;
    return { ...next, actions: next.actions.map((action) => (action.type === "get-data" ? { ...action, typedAhead } : action)) };
  }
  if (result.reason === "caller-blocked") return goodbye(state, "caller-blocked", ["caller-blocked"]);
  if (result.reason === "error") return goodbye(state, "technical-problem", ["technical-problem"]);
  const loginAttempts = state.loginAttempts + 1;
  const { maxLoginAttempts, withheldLoginAttempts } = state.config;
  if (loginAttempts >= (isWithheldCallerId(state.callerId) ? withheldLoginAttempts : maxLoginAttempts)) {
    return goodbye({ ...state, loginAttempts }, "login-failed", ["login-incorrect"]);
  }
  return ask({ ...state, loginAttempts, accountNumber: null }, "account", ["login-incorrect"]);
}

function onAddressKeys(state: IvrState, keys: string): IvrTransition {
  const travelerId = requireTraveler(state);
  if (keys === "0" && state.config.linkByEmail) {
    return {
      state: { ...state, step: "requesting-link", tries: 0 },
      actions: [{ type: "request-link", travelerId }],
    };
  }
  const parsed = parseDialedIPv4(keys);
  if (!parsed.ok) return refuseAddress(state, parsed.error, DIALED_ADDRESS_ERROR_PROMPT[parsed.error]);
  const refusal = refusalForGrantAddress(parsed.address, state.config);
  if (refusal) return refuseAddress(state, refusal, ADDRESS_REFUSAL_PROMPT[refusal]);
  return askConfirmation({ ...state, step: "confirm", tries: 1, address: parsed.address });
}

function refuseAddress(state: IvrState, why: string, prompt: PromptId, typeAhead = true): IvrTransition {
  return retry({ ...state, refusals: [...state.refusals, why] }, prompt, "address-refused", typeAhead);
}

/**
 * An entry longer than its limit (Asterisk stopped reading at limit + 1 keys) is refused whole.
 * The rest of what the caller typed, `#` included, arrives while the explanation plays, so it
 * must not be typed ahead into the next entry.
 */
function refuseTooLong(state: IvrState): IvrTransition {
  if (state.step === "address") return refuseAddress(state, "too-long", "entry-too-long", false);
  return retry(state, "entry-too-long", "invalid-entries", false);
}

/** The most keys an entry at this step may have; null where one key decides (confirm). */
function entryLimit(state: IvrState): number | null {
  const { config } = state;
  if (state.step === "account") return config.accountMaxDigits;
  if (state.step === "pin") return config.pinMaxDigits;
  if (state.step === "address") return config.addressMaxDigits;
  return null;
}

function askConfirmation(state: IvrState): IvrTransition {
  return { state, actions: [...readBack(state.address ?? ""), getData(state, "confirm")] };
}

/** "You entered 12 dot 34 dot 56 dot 78", each number digit by digit. */
function readBack(address: string): IvrAction[] {
  const actions: IvrAction[] = [{ type: "play", prompts: ["you-entered"], typeAhead: true }];
  address.split(".").forEach((octet, index) => {
    if (index > 0) actions.push({ type: "play", prompts: ["dot"], typeAhead: true });
    actions.push({ type: "say-digits", digits: octet, typeAhead: true });
  });
  return actions;
}

function reenterAddress(state: IvrState): IvrTransition {
  const addressEntries = state.addressEntries + 1;
  if (addressEntries > state.config.maxAddressEntries) {
    return goodbye({ ...state, address: null }, "invalid-entries", ["too-many-tries"]);
  }
  return ask({ ...state, addressEntries, address: null }, "address");
}

function createGrant(state: IvrState): IvrTransition {
  const travelerId = requireTraveler(state);
  const address = state.address ?? "";
  return {
    state: { ...state, step: "granting", tries: 0 },
    actions: [{ type: "create-grant", travelerId, address }],
  };
}

function onGrant(state: IvrState, result: GrantOutcome): IvrTransition {
  if (!result.ok) return goodbye(state, "grant-failed", ["grant-failed"]);
  const expiry = spokenExpiry(result.expiresAt, state.config.timeZone);
  return {
    state: ended(state, "granted"),
    actions: [
      { type: "play", prompts: ["granted-until", expiry.month] },
      { type: "say-number", number: expiry.day },
      { type: "play", prompts: ["at"] },
      { type: "say-digits", digits: expiry.time },
      { type: "play", prompts: [...(expiry.zone ? [expiry.zone] : []), "mail-follows", "goodbye"] },
      { type: "hang-up" },
    ],
  };
}

function onLink(state: IvrState, result: LinkOutcome): IvrTransition {
  if (!result.ok) return goodbye(state, "link-failed", ["link-failed"]);
  return goodbye(state, "link-sent", ["link-sent"]);
}

/** Ask the prompt of `step` afresh (first try), after `before` is played. */
function ask(state: IvrState, step: IvrStep, before: PromptId[] = []): IvrTransition {
  const next = { ...state, step, tries: 1 };
  const actions: IvrAction[] = before.length > 0 ? [{ type: "play", prompts: before, typeAhead: true }] : [];
  return { state: next, actions: [...actions, getData(next, step)] };
}

/** The entry at the current prompt failed: say why, then ask again or, out of tries, goodbye. */
function retry(state: IvrState, why: PromptId, outcome: IvrOutcome, typeAhead = true): IvrTransition {
  if (state.tries >= state.config.maxTries) return goodbye(state, outcome, [why, "too-many-tries"]);
  const next = { ...state, tries: state.tries + 1 };
  const explanation: IvrAction = typeAhead ? { type: "play", prompts: [why], typeAhead } : { type: "play", prompts: [why] };
  // At the confirmation the address is read back again, so the caller knows what 1 allows.
  const again = state.step === "confirm" ? askConfirmation(next).actions : [getData(next, state.step)];
  return { state: next, actions: [explanation, ...again] };
}

function getData(state: IvrState, step: IvrStep): IvrAction {
  const { config } = state;
  switch (step) {
    case "account":
      return entry("enter-account", config.accountMaxDigits + 1, config.entryTimeoutMs);
    case "pin":
      return entry("enter-pin", config.pinMaxDigits + 1, config.entryTimeoutMs);
    case "address":
      return entry(
        config.linkByEmail ? "enter-address" : "enter-address-only",
        config.addressMaxDigits + 1,
        config.entryTimeoutMs,
      );
    case "confirm":
      return entry("confirm-or-reenter", 1, config.confirmTimeoutMs);
    default:
      throw new Error(`no prompt at step ${step}`);
  }
}

function entry(prompt: PromptId, maxDigits: number, timeoutMs: number): IvrAction {
  return { type: "get-data", prompt, maxDigits, timeoutMs };
}

function goodbye(state: IvrState, outcome: IvrOutcome, prompts: PromptId[]): IvrTransition {
  return {
    state: ended(state, outcome),
    actions: [{ type: "play", prompts: [...prompts, "goodbye"] }, { type: "hang-up" }],
  };
}

function ended(state: IvrState, outcome: IvrOutcome): IvrState {
  return { ...state, step: "ended", tries: 0, outcome };
}

function requireTraveler(state: IvrState): string {
  if (!state.travelerId) throw new Error(`no verified traveler at step ${state.step}`);
  return state.travelerId;
}
