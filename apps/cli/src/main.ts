// `gatehouse`: parse, run, and turn any failure into one line on stderr + a non-zero exit.
import { CommanderError } from "commander";
import { endpointInUse } from "./context.ts";
import { describeFailure } from "./errors.ts";
import { buildProgram } from "./program.ts";
import { showControlCharacters } from "./visible-text.ts";

export async function main(argv: string[]): Promise<number> {
  // `gatehouse list | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // Commander has already printed its own usage errors; help and --version end here too.
    if (err instanceof CommanderError) return err.exitCode;
    const { message, exitCode } = describeFailure(err, endpointInUse.value);
    process.stderr.write(`gatehouse: ${showControlCharacters(message)}\n`);
    return exitCode;
  }
}
