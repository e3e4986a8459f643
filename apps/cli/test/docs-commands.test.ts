// A newcomer types the docs' sessions as they are written: every `$ gatehouse ...` line of the
// ```console blocks in README.md, docs/operations.md and docs/cli.md runs, in order, through the real CLI
// against a fresh control plane, and prints what the docs show (doc-sessions.ts says how a shown
// line matches). Where the docs say "on the new server, run ...", the printed enroll command
// enrolls a real agent (dry-run backend) before the next command; the install line itself runs
// on a PBX in install-netns.test.ts. The password prompt of `gatehouse login` is answered
// through --password-stdin (there is no terminal here).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentOnTestHost } from "./agent-process.ts";
import { ADMIN_PASSWORD, startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { DOC_URL, docCommands, firstMissing, type DocCommand } from "./doc-sessions.ts";
import { buildGatehouseBundle, freshHome, runGatehouse, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const ENROLL_LINE = /^\s*(gatehouse-agent enroll --url \S+ --token \S+(?: --force)?)$/m;

interface ServerRow {
  name: string;
  enrolled: boolean;
  online: boolean;
  inSync: boolean;
}

class DocSession {
  private readonly home = freshHome();
  private readonly agents: AgentOnTestHost[] = [];

  constructor(
    private readonly cp: PlaneUnderTest,
    private readonly bin: string,
  ) {}

  async run(command: DocCommand): Promise<RunResult> {
    const args = command.args.map((arg) => arg.replaceAll(DOC_URL, this.cp.plane.url));
    const login = args[0] === "login";
    if (this.agents.length > 0) await this.untilAgentsInSync();
    const result = await runGatehouse(login ? [...args, "--password-stdin"] : args, {
      bin: this.bin,
      env: { HOME: this.home, XDG_CONFIG_HOME: undefined },
      ...(login ? { stdin: `${ADMIN_PASSWORD}\n` } : {}),
    });
    const enroll = ENROLL_LINE.exec(result.stdout)?.[1];
    if (enroll && result.code === 0) await this.enrollAgent(enroll);
    return result;
  }

  /** What the PBX side of the docs does with a printed enroll command. */
  private async enrollAgent(commandLine: string): Promise<void> {
    const agent = new AgentOnTestHost();
    const enrolled = await agent.runPrinted(commandLine);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    agent.start();
    this.agents.push(agent);
  }

  private async untilAgentsInSync(): Promise<void> {
    await vi.waitUntil(async () => {
      const result = await runGatehouse(["status", "--json"], { bin: this.bin, env: { HOME: this.home, XDG_CONFIG_HOME: undefined } });
      const rows = JSON.parse(result.stdout) as ServerRow[];
      return rows.every((row) => !row.enrolled || (row.online && row.inSync)) ? true : undefined;
    }, { timeout: 30_000, interval: 200 });
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
  }
}

function expectShown(command: DocCommand, result: RunResult, url: string): void {
  const printed = `${result.stdout}\n${result.stderr}`;
  const refused = command.shown.some((line) => line.startsWith("gatehouse: "));
  expect(result.code === 0, `\`${command.text}\` exited ${result.code}:\n${printed}`).toBe(!refused);
  const shown = command.shown.filter((line) => !/^(Email|Password):/.test(line));
  expect(firstMissing(shown, printed, url), `\`${command.text}\` printed:\n${printed}`).toBeNull();
}

/** What `pnpm start` builds before it serves /agent/gatehouse-agent.mjs (the install needs it). */
function buildAgentBundle(): Promise<void> {
  return promisify(execFile)(process.execPath, [join(ROOT, "apps", "agent", "bin", "build-bundle.mjs")]).then(() => undefined);
}

let bin: string;
beforeAll(async () => {
  [bin] = await Promise.all([buildGatehouseBundle(), buildAgentBundle()]);
});
afterAll(() => removeTemporaryDirs());

describe.each(["README.md", "docs/operations.md", "docs/cli.md"])("the commands of %s, typed in order on a fresh control plane", (file) => {
  const commands = docCommands(readFileSync(join(ROOT, file), "utf8"));
  let cp: PlaneUnderTest;
  let session: DocSession;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    session = new DocSession(cp, bin);
  });
  afterAll(async () => {
    await session?.stop();
    await cp?.stop();
  });

  it("has a session to run, starting with a sign-in", () => {
    expect(commands.length).toBeGreaterThan(3);
    expect(commands[0]!.args[0]).toBe("login");
  });

  it.each(commands.map((command, index) => ({ command, label: `${index + 1}. gatehouse ${command.args.join(" ")}` })))("$label", async ({ command }) => {
    expectShown(command, await session.run(command), cp.plane.url);
  });
});
