// A local user on the control-plane host must not read the embedded database: before, with
// `pnpm start`, DATA_DIR was 0755 and its ~970 files 0666, and user `nobody` recovered a
// traveler's PIN hash from the WAL. The real process (src/main.ts) on real PGlite files.
import { chmod, lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnControlPlane } from "./kit/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "gh-datadir-"));
const dataDir = join(scratch, "data");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ENV = { PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, GATEHOUSE_ADMIN_EMAIL: "msp@example.net", GATEHOUSE_ADMIN_PASSWORD: "correct horse battery staple" };

interface Entry {
  path: string;
  mode: number;
  directory: boolean;
}

async function entriesUnder(dir: string): Promise<Entry[]> {
  const found: Entry[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    found.push({ path, mode: info.mode & 0o777, directory: info.isDirectory() });
    if (info.isDirectory()) found.push(...(await entriesUnder(path)));
  }
  return found;
}

/** Entries another user could reach: a directory other than 0700, a file with any group/other bit. */
async function openToOthers(): Promise<string[]> {
  const root = await lstat(dataDir);
  const entries = [{ path: dataDir, mode: root.mode & 0o777, directory: true }, ...(await entriesUnder(dataDir))];
  return entries.filter((entry) => (entry.directory ? entry.mode !== 0o700 : (entry.mode & 0o077) !== 0)).map((entry) => `${entry.path} ${entry.mode.toString(8)}`);
}

/** Start, make it write (a sign-in: a session row, the WAL), stop. */
async function runOnce(): Promise<Array<Record<string, unknown>>> {
  const plane = spawnControlPlane(ENV);
  const url = await plane.listening();
  const signIn = await fetch(`${url}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ENV.GATEHOUSE_ADMIN_EMAIL, password: ENV.GATEHOUSE_ADMIN_PASSWORD }) });
  expect(signIn.status).toBe(200);
  expect(await plane.stop()).toBe(0);
  return plane.logLines();
}

describe("the embedded database's directory", () => {
  it("a fresh DATA_DIR is 0700 and every file in it 0600 or stricter after a start", async () => {
    const logs = await runOnce();
    const entries = await entriesUnder(dataDir);
    expect(entries.filter((entry) => !entry.directory).length).toBeGreaterThan(500);
    expect(await openToOthers()).toEqual([]);
    expect(logs.some((line) => String(line.msg).includes("DATA_DIR was open to other users"))).toBe(false);
  });

  it("a loose one (0777, files 0666, as older versions left it) is tightened at start, and the log says so", async () => {
    await mkdir(join(dataDir, "outbox"), { recursive: true });
    await writeFile(join(dataDir, "outbox", "old-link.eml"), "Subject: your link\n\nhttps://gatehouse.example.net/traveler/link?t=secret\n");
    for (const entry of await entriesUnder(dataDir)) await chmod(entry.path, entry.directory ? 0o777 : 0o666);
    await chmod(dataDir, 0o777);
    expect((await openToOthers()).length).toBeGreaterThan(500);

    const logs = await runOnce();
    expect(await openToOthers()).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining("DATA_DIR was open to other users"), path: dataDir, oldMode: "0777", tightened: expect.any(Number) }),
    );
  });
});
