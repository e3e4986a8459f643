// The runner hands a ruleset to a tool whole, however large, and reports what went wrong.
import { describe, expect, it } from "vitest";
import { CommandError, CommandRunner } from "./command-runner.ts";

describe("the command runner", () => {
  const runner = new CommandRunner();

  it("passes a small ruleset on stdin", async () => {
    expect((await runner.run("cat", [], { input: "add gh4-sip 192.0.2.1\n" })).stdout).toBe("add gh4-sip 192.0.2.1\n");
  });

  it("passes a 100k-line ruleset whole", async () => {
    const ruleset = Array.from({ length: 100_000 }, (_, i) => `add gh4-sip.new 100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`).join("\n");
    expect((await runner.run("cat", [], { input: ruleset })).stdout).toBe(ruleset);
  });

  it("reports a tool's complaint with its exit code", async () => {
    const complain = 'process.stderr.write("line 3: bad element"); process.exit(2)';
    const failure = await runner.run(process.execPath, ["-e", complain]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandError);
    expect((failure as CommandError).message).toMatch(/exit 2.*line 3: bad element/);
  });
});
