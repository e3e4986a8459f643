// Drives the traveler IVR (packages/core) over one AGI connection: each machine action becomes
// an AGI command or a service call (action-performer.ts), and its result the machine's next
// event. The only write a call can cause is the grant (one transaction in the travelers
// service), asked for only after the caller pressed 1: a hang-up before that leaves nothing
// behind. A call ends by the IVR's HANGUP; the dialplan treats any other end as a failure.
import {
  advanceIvr,
  newIvrCall,
  normaliseCallerId,
  type GrantOutcome,
  type IvrConfig,
  type IvrEvent,
  type IvrOutcome,
  type IvrState,
  type IvrStep,
  type LinkOutcome,
  type VerificationOutcome,
} from "@gatehouse/core";
import type { Logger } from "../logger.ts";
import { ActionPerformer, PromptMissing } from "./action-performer.ts";
import { AgiHangUp, AgiProtocolError, type AgiConnection } from "./agi-connection.ts";
import type { SoundCheck } from "./sound-check.ts";

/** What the IVR needs from the rest of the control plane (the travelers service provides it). */
export interface TravelerIvrServices {
  verify(input: { accountNumber: string; pin: string; callerId: string }): Promise<VerificationOutcome>;
  createGrant(input: { travelerId: string; address: string; callerId: string }): Promise<GrantOutcome>;
  requestLink(input: { travelerId: string; callerId: string }): Promise<LinkOutcome>;
  /** Audit the end of a call (who, how it ended, refused entries). */
  recordCall(summary: IvrCallSummary): Promise<void>;
}

export interface IvrCallSummary {
  callerId: string;
  travelerId: string | null;
  outcome: IvrOutcome;
  hungUpAt: IvrStep | null;
  address: string | null;
  refusals: readonly string[];
  uniqueId: string;
}

export interface TravelerCallOptions {
  ivr: Partial<IvrConfig>;
  /** Directory of the prompts under Asterisk's sounds directory, e.g. "gatehouse/". */
  promptPrefix: string;
  /** Longest wait for Asterisk to answer a command, beyond the command's own timeout. */
  replyGraceMs: number;
  /** Asks Asterisk whether it has the IVR's sounds, at most once per interval. */
  sounds: SoundCheck;
}

export async function runTravelerCall(
  connection: AgiConnection,
  environment: Record<string, string>,
  services: TravelerIvrServices,
  options: TravelerCallOptions,
  logger: Logger,
): Promise<IvrCallSummary> {
  const callerId = normaliseCallerId(environment.agi_callerid);
  const performer = new ActionPerformer(connection, services, options, callerId, logger);
  let state: IvrState = newIvrCall(options.ivr);
  let event: IvrEvent = { type: "call-started", callerId };
  try {
    await options.sounds.checkIfDue(connection, new Date(), options.replyGraceMs);
    await connection.command("ANSWER", options.replyGraceMs);
    while (state.step !== "ended") {
      const transition = advanceIvr(state, event);
      state = transition.state;
      event = await performer.performAll(transition.actions);
    }
  } catch (error) {
    state = await endAfter(error, state, performer, options, logger);
  }
  const summary: IvrCallSummary = {
    callerId,
    travelerId: state.travelerId,
    outcome: state.outcome ?? "caller-hung-up",
    hungUpAt: state.hungUpAt,
    address: state.address,
    refusals: state.refusals,
    uniqueId: environment.agi_uniqueid ?? "",
  };
  await services.recordCall(summary);
  return summary;
}

/** The call broke off: the caller hung up, Asterisk lacks a sound, or the conversation broke. */
async function endAfter(
  error: unknown,
  state: IvrState,
  performer: ActionPerformer,
  options: TravelerCallOptions,
  logger: Logger,
): Promise<IvrState> {
  if (!(error instanceof AgiHangUp || error instanceof AgiProtocolError || error instanceof PromptMissing)) throw error;
  const wasEnded = state.step === "ended";
  const ended = advanceIvr(state, { type: "hang-up" }).state;
  if (error instanceof AgiHangUp) return ended;
  const broken = { ...ended, hungUpAt: null, outcome: wasEnded ? ended.outcome : ("technical-problem" as const) };
  if (error instanceof PromptMissing) {
    logger.error({ file: error.file }, "Asterisk lacks an IVR sound: the call ends as a technical problem");
    options.sounds.noteMissing(error.file, new Date());
    // Say so if Asterisk can; that prompt may be missing too, and the dialplan plays it then.
    await performer.performAll([{ type: "play", prompts: ["technical-problem", "goodbye"] }]).catch(() => undefined);
    await performer.performAll([{ type: "hang-up" }]);
  } else {
    logger.warn({ err: error.message }, "FastAGI conversation broke off");
  }
  return broken;
}
