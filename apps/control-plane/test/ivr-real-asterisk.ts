// A real Asterisk (built by ../shared/asterisk/build.sh, see .ci/run) running the project's own
// dialplan (infra/asterisk/extensions.conf, #included, not copied) and prompts (sounds/en/
// gatehouse is a symlink to infra/asterisk/sounds/gatehouse). Only the configuration Asterisk
// needs to start, the [globals] an operator would fill in, and a driver context that plays the
// caller are generated, in a temp directory. Calls are Local channels placed with .call files:
// the ;1 leg runs [gatehouse-travelers], the ;2 leg is the caller, typing keys with SendDTMF
// when the test says so (a GLOBAL() the driver polls, set with `asterisk -rx`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Capability } from "@gatehouse/testkit/capability";

const ASTERISK_PREFIX = process.env.GATEHOUSE_ASTERISK_PREFIX ?? "/opt/asterisk";
const BINARY = join(ASTERISK_PREFIX, "sbin/asterisk");
const MODULES = join(ASTERISK_PREFIX, "lib/asterisk/modules");
const STOCK_DATA = join(ASTERISK_PREFIX, "var/lib/asterisk");
const STOCK_DIGITS = join(STOCK_DATA, "sounds/en/digits");
const REPO_ASTERISK = fileURLToPath(new URL("../../../infra/asterisk/", import.meta.url));

export function asteriskCapability(): Capability {
  if (process.getuid?.() !== 0) return { ok: false, reason: "needs root (Asterisk's spool and run directories)" };
  if (!existsSync(BINARY)) return { ok: false, reason: `no Asterisk at ${ASTERISK_PREFIX} (run ../shared/asterisk/build.sh)` };
  if (!existsSync(join(STOCK_DIGITS, "1.wav"))) return { ok: false, reason: `no digit sounds in ${STOCK_DIGITS}` };
  return { ok: true, reason: "" };
}

export interface RealAsteriskOptions {
  /** What the operator writes into [globals]: GATEHOUSE_AGI_HOST, _PORT, _SECRET, ... */
  globals: Record<string, string>;
}

interface PlacedCall {
  id: number;
  callerId: string;
}

export interface RealAsterisk {
  dir: string;
  /** Type these keys now (or "H": hang up) on the caller's leg of the call. */
  press(call: PlacedCall, keys: string): void;
  /** Place a call to the DID; `variables` become the call's channel variables (they win over [globals]). */
  call(callerId: string, variables?: Record<string, string>): PlacedCall;
  /** Everything Asterisk logged (notice and up) so far. */
  log(): string;
  /** Replace the prompts (or the digit sounds) Asterisk finds with an empty directory, or put them back. */
  hideSounds(which: "gatehouse" | "digits", hidden: boolean): void;
  /** `asterisk -rx`: one CLI command, its output. */
  cli(command: string): string;
  stop(): Promise<void>;
}

const DRIVER = `
[gatehouse-test-driver]
; The caller: waits for the test to set DRIVE_<call>_<n>, types it (H = hang up), next n.
exten => s,1,Answer()
 same => n,Set(n=1)
 same => n(poll),Set(k=\${GLOBAL(DRIVE_\${CALL_ID}_\${n})})
 same => n,GotoIf($["\${k}" = ""]?idle)
 same => n,GotoIf($["\${k}" = "H"]?gone)
 same => n,SendDTMF(\${k},40,60)
 same => n,Set(n=$[\${n} + 1])
 same => n,Goto(poll)
 same => n(idle),Wait(0.02)
 same => n,Goto(poll)
 same => n(gone),Hangup()
`;

/** Modules that load but log errors without their own configs; the suite needs none of them. */
const INDICATIONS = "[general]\ncountry=us\n\n[us]\ndescription=United States\nringcadence=2000,4000\ndial=350+440\nring=440+480/2000,0/4000\nbusy=480+620/500,0/500\ncongestion=480+620/250,0/250\n";

const STUB_CONFIGS = ["cdr.conf", "cel.conf", "features.conf", "acl.conf", "udptl.conf", "ccss.conf", "indications.conf"];

export async function startRealAsterisk(options: RealAsteriskOptions): Promise<RealAsterisk> {
  const dir = mkdtempSync(join(tmpdir(), "gh-asterisk-"));
  const paths = {
    etc: join(dir, "etc"), data: join(dir, "data"), lib: join(dir, "lib"), spool: join(dir, "spool"),
    run: join(dir, "run"), log: join(dir, "log"), sounds: join(dir, "data/sounds/en"), empty: join(dir, "empty"),
  };
  for (const path of [paths.etc, paths.lib, paths.run, paths.log, paths.sounds, paths.empty, join(paths.spool, "outgoing"), join(dir, "staging")]) {
    mkdirSync(path, { recursive: true });
  }
  const conf = join(paths.etc, "asterisk.conf");
  writeFileSync(conf, asteriskConf(paths));
  writeFileSync(join(paths.etc, "modules.conf"), "[modules]\nautoload=yes\n");
  writeFileSync(join(paths.etc, "logger.conf"), "[general]\n[logfiles]\nmessages.log => notice,warning,error\n");
  for (const name of STUB_CONFIGS) writeFileSync(join(paths.etc, name), "");
  writeFileSync(join(paths.etc, "indications.conf"), INDICATIONS);
  const globals = Object.entries(options.globals).map(([name, value]) => `${name}=${value}`).join("\n");
  writeFileSync(
    join(paths.etc, "extensions.conf"),
    `#include ${join(REPO_ASTERISK, "extensions.conf")}\n\n[globals]\n${globals}\n${DRIVER}`,
  );
  // Asterisk's own data (its XML documentation is needed to start), all but the sounds.
  for (const entry of readdirSync(STOCK_DATA)) if (entry !== "sounds") symlinkSync(join(STOCK_DATA, entry), join(paths.data, entry));
  linkSounds(paths.sounds, "gatehouse", join(REPO_ASTERISK, "sounds/gatehouse"));
  linkSounds(paths.sounds, "digits", STOCK_DIGITS);

  const child = spawn(BINARY, ["-C", conf, "-f", "-n", "-q"], { stdio: ["ignore", "ignore", "pipe"] });
  let exited = false;
  child.once("exit", () => (exited = true));
  const cli = (command: string): string => {
    const result = spawnSync(BINARY, ["-C", conf, "-rx", command], { encoding: "utf8", timeout: 10_000 });
    if (result.status !== 0) throw new Error(`asterisk -rx "${command}": ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  await waitFullyBooted(cli, () => exited);

  let calls = 0;
  const keystrokes = new Map<number, number>();
  return {
    dir,
    cli,
    press(call, keys) {
      const n = (keystrokes.get(call.id) ?? 0) + 1;
      keystrokes.set(call.id, n);
      cli(`dialplan set global DRIVE_${call.id}_${n} ${keys}`);
    },
    call(callerId, variables = {}) {
      calls += 1;
      const id = calls;
      const file = [
        "Channel: Local/s@gatehouse-test-driver/n",
        `CallerID: "Traveler" <${callerId}>`,
        "Context: gatehouse-travelers",
        "Extension: 15559990000",
        "Priority: 1",
        "MaxRetries: 0",
        `Setvar: CALL_ID=${id}`,
        ...Object.entries(variables).map(([name, value]) => `Setvar: ${name}=${value}`),
      ].join("\n");
      // Written elsewhere and moved in, so pbx_spool never reads half a file.
      const staged = join(dir, "staging", `${id}.call`);
      writeFileSync(staged, `${file}\n`);
      renameSync(staged, join(paths.spool, "outgoing", `${id}.call`));
      return { id, callerId };
    },
    log: () => readLog(join(paths.log, "messages.log")),
    hideSounds(which, hidden) {
      linkSounds(paths.sounds, which, hidden ? paths.empty : which === "gatehouse" ? join(REPO_ASTERISK, "sounds/gatehouse") : STOCK_DIGITS);
    },
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (!exited) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function asteriskConf(paths: Record<string, string>): string {
  return [
    "[directories]",
    `astetcdir => ${paths.etc}`,
    `astmoddir => ${MODULES}`,
    `astvarlibdir => ${paths.lib}`,
    `astdbdir => ${paths.lib}`,
    `astkeydir => ${paths.lib}`,
    `astdatadir => ${paths.data}`,
    `astagidir => ${paths.lib}`,
    `astspooldir => ${paths.spool}`,
    `astrundir => ${paths.run}`,
    `astlogdir => ${paths.log}`,
    `astsbindir => ${join(ASTERISK_PREFIX, "sbin")}`,
    "[options]",
    "documentation_language = en_US",
    "",
  ].join("\n");
}

/** sounds/en/<name> -> target, replaced atomically (a symlink renamed over the old one). */
function linkSounds(soundsDir: string, name: string, target: string): void {
  const temporary = join(soundsDir, `.${name}.next`);
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  renameSync(temporary, join(soundsDir, name));
}

async function waitFullyBooted(cli: (command: string) => string, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (exited()) throw new Error("Asterisk exited during start");
    try {
      cli("core waitfullybooted");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("Asterisk did not finish booting");
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}
