// The browser tests run against the built console (apps/web/dist), exactly as the control
// plane serves it. A fresh clone has no dist/, and an edited source makes it stale: either
// way the tests build it first, so `pnpm test` passes without a separate build step.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const webRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const distDir = join(webRoot, "dist");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

function isStale(): boolean {
  const builtIndex = join(distDir, "index.html");
  if (!existsSync(builtIndex)) return true;
  const sources = ["src", "index.html", "vite.config.ts", "package.json"].map((p) => join(webRoot, p));
  const newestSource = Math.max(...sources.filter(existsSync).map(newestMtime));
  return newestSource > statSync(builtIndex).mtimeMs;
}

/** Waits (blocking: the callers are synchronous) until no other test process is building. */
function withBuildLock(build: () => void): void {
  const lock = join(tmpdir(), `gatehouse-web-build-${createHash("sha256").update(webRoot).digest("hex").slice(0, 12)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than any build is left by a killed process.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test process has held ${lock} for 5 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds apps/web/dist with Vite when it is missing or older than its sources. Test files run
 * in parallel processes, and a console may be serving dist/ while another file finds it stale:
 * one build at a time (a lock), into a fresh folder swapped in by rename, so no plane ever
 * serves a half-emptied dist/.
 */
export function ensureWebBuilt(): void {
  if (!isStale()) return;
  withBuildLock(() => {
    if (!isStale()) return;
    const staging = `${distDir}.building-${process.pid}`;
    // vite's "exports" hide bin/vite.js; its package.json is exported and names the bin.
    const vitePackage = createRequire(join(webRoot, "package.json")).resolve("vite/package.json");
    const vite = join(dirname(vitePackage), "bin", "vite.js");
    // NODE_ENV as `pnpm start` builds it: vitest's "test" would give React's development build.
    const env = { ...process.env, NODE_ENV: "production" };
    const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn", "--outDir", staging], { cwd: webRoot, encoding: "utf8", env });
    if (result.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`vite build of apps/web failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    const previous = `${distDir}.previous-${process.pid}`;
    if (existsSync(distDir)) renameSync(distDir, previous);
    renameSync(staging, distDir);
    rmSync(previous, { recursive: true, force: true });
  });
}
