// Whether the Asterisk a call comes from has every sound the IVR plays: the prompts (under the
// prompt prefix) and the stock digits SAY DIGITS / SAY NUMBER use. Without the digits Asterisk
// answers `200 result=0` and plays nothing ("you entered dot dot dot"); without a prompt the
// caller hears silence. The control plane usually cannot see the Asterisk host's files, so the
// IVR asks Asterisk itself at the start of a call: STAT(e,...) on each file in each format it
// could play, in a few GET FULL VARIABLE commands, at most once per interval.
import { IVR_PROMPT_IDS } from "@gatehouse/core";
import type { Logger } from "../logger.ts";
import type { AgiConnection } from "./agi-connection.ts";

/** Digits SAY DIGITS (0-9) and SAY NUMBER (a day of the month: 1-20, 30) need. */
const DIGIT_SOUNDS = [...Array.from({ length: 21 }, (_, n) => `digits/${n}`), "digits/30"];
/** Formats a stock or hand-made Asterisk sound may come in. */
const FORMATS = ["wav", "gsm", "ulaw", "alaw", "g722", "sln"];
/** Keep each command well under Asterisk's 8 KiB AGI line and its 4 KiB substitution buffers. */
const MAX_COMMAND_CHARS = 3_000;

export interface SoundReport {
  status: "unchecked" | "ok" | "missing";
  /** Sounds (without format) Asterisk does not have, e.g. "gatehouse/welcome", "digits/7". */
  missing: string[];
  checkedAt: string | null;
}

function requiredSounds(promptPrefix: string): string[] {
  return [...IVR_PROMPT_IDS.map((id) => promptPrefix + id), ...DIGIT_SOUNDS];
}

/** One `$[...]` per sound: 1 when some format of it exists in the channel language's directory. */
function existsExpression(sound: string): string {
  const base = `\${ASTDATADIR}/sounds/\${CHANNEL(language)}/${sound}`;
  return `$[${FORMATS.map((format) => `\${STAT(e,${base}.${format})}`).join("|")}]`;
}

/** GET FULL VARIABLE commands, each answering one 0/1 per sound it covers, in order. */
function soundCheckCommands(sounds: readonly string[]): Array<{ command: string; sounds: string[] }> {
  const commands: Array<{ command: string; sounds: string[] }> = [];
  let current: { expression: string; sounds: string[] } = { expression: "", sounds: [] };
  for (const sound of sounds) {
    const expression = existsExpression(sound);
    if (current.sounds.length > 0 && current.expression.length + expression.length > MAX_COMMAND_CHARS) {
      commands.push({ command: `GET FULL VARIABLE ${current.expression}`, sounds: current.sounds });
      current = { expression: "", sounds: [] };
    }
    current.expression += expression;
    current.sounds.push(sound);
  }
  if (current.sounds.length > 0) commands.push({ command: `GET FULL VARIABLE ${current.expression}`, sounds: current.sounds });
  return commands;
}

/** The last check's result, reported on /healthz; checks at most once per interval. */
export class SoundCheck {
  private report: SoundReport = { status: "unchecked", missing: [], checkedAt: null };
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  private readonly commands: Array<{ command: string; sounds: string[] }>;

  constructor(
    promptPrefix: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.commands = soundCheckCommands(requiredSounds(promptPrefix));
  }

  current(): SoundReport {
    return { ...this.report, missing: [...this.report.missing] };
  }

  /** Ask the calling Asterisk, unless it was asked within the interval. */
  async checkIfDue(connection: AgiConnection, now: Date, graceMs: number): Promise<void> {
    if (now.getTime() - this.lastCheckAt < this.intervalMs) return;
    this.lastCheckAt = now.getTime();
    const missing: string[] = [];
    for (const { command, sounds } of this.commands) {
      const flags = (await connection.command(command, graceMs)).data ?? "";
      if (!new RegExp(`^[01]{${sounds.length}}$`).test(flags)) {
        // No STAT() (func_env not loaded) or an Asterisk that evaluates differently: no verdict.
        this.logger.error({ answer: flags.slice(0, 80) }, "could not check the IVR sounds on Asterisk (is func_env loaded?)");
        return;
      }
      sounds.forEach((sound, index) => {
        if (flags[index] !== "1") missing.push(sound);
      });
    }
    this.record(missing, now);
  }

  /** A call found a sound missing on its own (Asterisk could not play it). */
  noteMissing(sound: string, now: Date): void {
    if (!this.report.missing.includes(sound)) this.record([...this.report.missing, sound], now);
  }

  private record(missing: string[], now: Date): void {
    const before = this.report;
    this.report = { status: missing.length > 0 ? "missing" : "ok", missing, checkedAt: now.toISOString() };
    if (missing.length > 0 && missing.join() !== before.missing.join()) {
      this.logger.error({ missing }, "Asterisk lacks IVR sounds: callers hear silence there (install infra/asterisk/sounds and asterisk-core-sounds-en)");
    } else if (missing.length === 0 && before.status !== "ok") {
      this.logger.info({ sounds: this.commands.reduce((total, { sounds }) => total + sounds.length, 0) }, "Asterisk has every IVR sound");
    }
  }
}
