// Drives the traveler IVR (packages/core) over one AGI connection: each machine action becomes
// an AGI command or a service call, and its result the machine's next event. The only write a
// call can cause is the grant (one transaction in the travelers service), asked for only after
// the caller pressed 1: a hang-up before that leaves nothing behind.
import {
  advanceIvr,
  newIvrCall,
  normaliseCallerId,
  type GrantOutcome,
  type IvrAction,
  type IvrConfig,
  type IvrEvent,
  type IvrOutcome,
  type IvrState,
  type IvrStep,
  type LinkOutcome,
  type VerificationOutcome,
} from "@gatehouse/core";
import { AgiHangUp, AgiProtocolError, type AgiConnection } from "./agi-connection.ts";

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
}

export interface TravelerCallLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export async function runTravelerCall(
  connection: AgiConnection,
  environment: Record<string, string>,
  services: TravelerIvrServices,
  options: TravelerCallOptions,
  logger: TravelerCallLogger,
): Promise<IvrCallSummary> {
  const callerId = normaliseCallerId(environment.agi_callerid);
  const performer = new ActionPerformer(connection, services, options, callerId, logger);
  let state: IvrState = newIvrCall(options.ivr);
  let event: IvrEvent = { type: "call-started", callerId };
  try {
    await connection.command("ANSWER", options.replyGraceMs);
    while (state.step !== "ended") {
      const transition = advanceIvr(state, event);
      state = transition.state;
      event = await performer.performAll(transition.actions);
    }
  } catch (error) {
    if (!(error instanceof AgiHangUp || error instanceof AgiProtocolError)) throw error;
    const wasEnded = state.step === "ended";
    state = advanceIvr(state, { type: "hang-up" }).state;
    if (error instanceof AgiProtocolError) {
      logger.warn({ err: error.message }, "FastAGI conversation broke off");
      if (!wasEnded) state = { ...state, outcome: "technical-problem" };
    }
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

class ActionPerformer {
  constructor(
    private readonly connection: AgiConnection,
    private readonly services: TravelerIvrServices,
    private readonly options: TravelerCallOptions,
    private readonly callerId: string,
    private readonly logger: TravelerCallLogger,
  ) {}

  /** Carry out a transition's actions; the last one's result is the next event. */
  async performAll(actions: IvrAction[]): Promise<IvrEvent> {
    let event: IvrEvent = { type: "hang-up" };
    for (const action of actions) event = await this.perform(action);
    return event;
  }

  private async perform(action: IvrAction): Promise<IvrEvent> {
    const grace = this.options.replyGraceMs;
    switch (action.type) {
      case "play":
        for (const prompt of action.prompts) await this.streamFile(this.options.promptPrefix + prompt);
        return { type: "hang-up" };
      case "say-digits":
        await this.say(`SAY DIGITS ${action.digits} ""`);
        return { type: "hang-up" };
      case "say-number":
        await this.say(`SAY NUMBER ${action.number} ""`);
        return { type: "hang-up" };
      case "get-data":
        return this.getData(action.prompt, action.timeoutMs, action.maxDigits);
      case "verify":
        return { type: "verification-result", result: await this.verify(action) };
      case "create-grant":
        return { type: "grant-result", result: await this.createGrant(action) };
      case "request-link":
        return { type: "link-result", result: await this.requestLink(action.travelerId) };
      case "hang-up":
        await this.connection.command("HANGUP", grace).catch(() => undefined);
        return { type: "hang-up" };
    }
  }

  private async streamFile(file: string): Promise<void> {
    const reply = await this.connection.command(`STREAM FILE ${file} ""`, this.options.replyGraceMs);
    // -1 is a missing or unplayable file; a real hang-up arrives as HANGUP or 511.
    if (reply.result === "-1") this.logger.warn({ file }, "Asterisk could not play an IVR prompt");
  }

  private async say(command: string): Promise<void> {
    const reply = await this.connection.command(command, this.options.replyGraceMs);
    if (reply.result === "-1") throw new AgiHangUp(`${command.split(" ")[1]} failed`);
  }

  private async getData(prompt: string, timeoutMs: number, maxDigits: number): Promise<IvrEvent> {
    const file = this.options.promptPrefix + prompt;
    const reply = await this.connection.command(
      `GET DATA ${file} ${timeoutMs} ${maxDigits}`,
      timeoutMs + this.options.replyGraceMs,
    );
    if (reply.result === "-1") throw new AgiHangUp("GET DATA failed");
    const timedOut = reply.data === "timeout";
    if (reply.result === "" && timedOut) return { type: "timeout" };
    return { type: "digits", digits: reply.result, terminatedBy: timedOut ? "timeout" : "#" };
  }

  private async verify(action: Extract<IvrAction, { type: "verify" }>): Promise<VerificationOutcome> {
    try {
      const { accountNumber, pin, callerId } = action;
      return await this.services.verify({ accountNumber, pin, callerId });
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "traveler verification failed");
      return { ok: false, reason: "error" };
    }
  }

  private async createGrant(action: Extract<IvrAction, { type: "create-grant" }>): Promise<GrantOutcome> {
    try {
      const { travelerId, address } = action;
      return await this.services.createGrant({ travelerId, address, callerId: this.callerId });
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "traveler grant failed");
      return { ok: false };
    }
  }

  private async requestLink(travelerId: string): Promise<LinkOutcome> {
    try {
      return await this.services.requestLink({ travelerId, callerId: this.callerId });
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "traveler link request failed");
      return { ok: false };
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
