// Carries out the IVR machine's actions over one AGI connection, as a real Asterisk answers:
// - `GET DATA file timeout max` stops reading after `max` keys without waiting for `#`;
// - keys pressed while `STREAM FILE`/`SAY` plays with escape digits "" are discarded, so prompts
//   the caller may type through play with every key as escape digit: the key that stopped one is
//   carried into the entry the transition ends with, and what was left to play is skipped;
// - `200 result=-1` is a hang-up only if Asterisk says so ("HANGUP", then 511): with the caller
//   still there it is a file Asterisk does not have, and the call ends as a technical problem;
// - keys pressed while no command runs are dropped, so while the PIN is checked the IVR listens
//   (WAIT FOR DIGIT in short slices) and hands what was typed to the machine.
import type { GrantOutcome, IvrAction, IvrEvent, LinkOutcome, VerificationOutcome } from "@gatehouse/core";
import type { Logger } from "../logger.ts";
import { AgiHangUp, type AgiConnection } from "./agi-connection.ts";
import type { TravelerIvrServices } from "./traveler-call.ts";

/** Asterisk lacks a sound the IVR plays (it logs `File ... does not exist`). */
export class PromptMissing extends Error {
  constructor(readonly file: string) {
    super(`Asterisk has no sound file ${file}`);
    this.name = "PromptMissing";
  }
}

export interface ActionPerformerOptions {
  /** Directory of the prompts under Asterisk's sounds directory, e.g. "gatehouse/". */
  promptPrefix: string;
  /** Longest wait for Asterisk to answer a command, beyond the command's own timeout. */
  replyGraceMs: number;
}

/** Every key a caller can press: any of them stops a prompt they may type through. */
const ALL_KEYS = "0123456789*#";
/** How long each WAIT FOR DIGIT listens while the PIN is checked: at most this is added to a login. */
const LISTEN_SLICE_MS = 50;
const NOTHING_PLAYED: IvrEvent = { type: "hang-up" };

type Entry = Extract<IvrAction, { type: "get-data" }>;

export class ActionPerformer {
  constructor(
    private readonly connection: AgiConnection,
    private readonly services: TravelerIvrServices,
    private readonly options: ActionPerformerOptions,
    private readonly callerId: string,
    private readonly logger: Logger,
  ) {}

  /** Carry out a transition's actions; the last one's result is the next event. */
  async performAll(actions: readonly IvrAction[]): Promise<IvrEvent> {
    let typedAhead = "";
    let event: IvrEvent = NOTHING_PLAYED;
    for (const action of actions) {
      if (action.type === "get-data") {
        event = await this.getData(action, (action.typedAhead ?? "") + typedAhead);
        typedAhead = "";
      } else if (typedAhead !== "" && isTypeAheadPrompt(action)) {
        continue; // the caller is already typing: skip the rest of what leads to the entry
      } else {
        const key = await this.perform(action);
        if (key !== null) typedAhead = key;
        event = await this.outcomeOf(action);
      }
    }
    return event;
  }

  /** Play or say; returns the key that stopped a prompt the caller may type through. */
  private async perform(action: Exclude<IvrAction, Entry>): Promise<string | null> {
    switch (action.type) {
      case "play": {
        for (const prompt of action.prompts) {
          const key = await this.play(`STREAM FILE ${this.file(prompt)}`, this.file(prompt), action.typeAhead === true);
          if (key !== null) return key;
        }
        return null;
      }
      case "say-digits":
        return this.play(`SAY DIGITS ${action.digits}`, "digits", action.typeAhead === true);
      case "say-number":
        return this.play(`SAY NUMBER ${action.number}`, "digits", false);
      case "hang-up":
        await this.connection.command("HANGUP", this.options.replyGraceMs).catch(() => undefined);
        return null;
      default:
        return null;
    }
  }

  private async outcomeOf(action: Exclude<IvrAction, Entry>): Promise<IvrEvent> {
    switch (action.type) {
      case "verify":
        return this.verifyListening(action);
      case "create-grant":
        return { type: "grant-result", result: await this.createGrant(action) };
      case "request-link":
        return { type: "link-result", result: await this.requestLink(action.travelerId) };
      default:
        return NOTHING_PLAYED;
    }
  }

  private async play(command: string, file: string, typeAhead: boolean): Promise<string | null> {
    const reply = await this.connection.command(`${command} "${typeAhead ? ALL_KEYS : ""}"`, this.options.replyGraceMs);
    if (reply.result === "-1") await this.failedToPlay(file);
    const code = Number(reply.result);
    return typeAhead && code > 0 ? String.fromCharCode(code) : null;
  }

  /**
   * Read an entry. Keys typed ahead come first; when they already end it (`#`, or as many as
   * asked for) Asterisk is not asked at all, otherwise it reads the rest with no prompt (the
   * caller has stopped listening and is typing).
   */
  private async getData(entry: Entry, typedAhead: string): Promise<IvrEvent> {
    const pound = typedAhead.indexOf("#");
    if (pound >= 0) return { type: "digits", digits: typedAhead.slice(0, pound), terminatedBy: "#" };
    if (typedAhead.length >= entry.maxDigits) return { type: "digits", digits: typedAhead, terminatedBy: "#" };
    const file = typedAhead === "" ? this.file(entry.prompt) : '""';
    const wanted = entry.maxDigits - typedAhead.length;
    const reply = await this.connection.command(
      `GET DATA ${file} ${entry.timeoutMs} ${wanted}`,
      entry.timeoutMs + this.options.replyGraceMs,
    );
    if (reply.result === "-1") await this.failedToPlay(this.file(entry.prompt));
    const timedOut = reply.data === "timeout";
    const digits = typedAhead + reply.result;
    if (digits === "" && timedOut) return { type: "timeout" };
    return { type: "digits", digits, terminatedBy: timedOut ? "timeout" : "#" };
  }

  /** After `result=-1`: a hang-up if Asterisk says so, else the file is missing. */
  private async failedToPlay(file: string): Promise<never> {
    if (!(await this.connection.isAlive(this.options.replyGraceMs))) throw new AgiHangUp("HANGUP from Asterisk");
    throw new PromptMissing(file);
  }

  private file(prompt: string): string {
    return this.options.promptPrefix + prompt;
  }

  /** Verify, listening for keys meanwhile (a caller typing the address right after the PIN). */
  private async verifyListening(action: Extract<IvrAction, { type: "verify" }>): Promise<IvrEvent> {
    let settled = false;
    const verification = this.verify(action).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    let typedAhead = "";
    while (!settled) {
      const reply = await this.connection.command(`WAIT FOR DIGIT ${LISTEN_SLICE_MS}`, LISTEN_SLICE_MS + this.options.replyGraceMs);
      const code = Number(reply.result);
      if (code > 0) typedAhead += String.fromCharCode(code);
      else if (code < 0 && !(await this.connection.isAlive(this.options.replyGraceMs))) throw new AgiHangUp("HANGUP from Asterisk");
    }
    const result = await verification;
    return typedAhead === "" ? { type: "verification-result", result } : { type: "verification-result", result, typedAhead };
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

function isTypeAheadPrompt(action: IvrAction): boolean {
  return (action.type === "play" || action.type === "say-digits") && action.typeAhead === true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
