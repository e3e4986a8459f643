// The browser tests run against the built console (apps/web/dist), exactly as the control
// plane serves it. A fresh clone has no dist/, and an edited source makes it stale: either
// way the tests build it first, so `pnpm test` passes without a separate build step.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
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

/** Builds apps/web/dist with Vite when it is missing or older than its sources. */
export function ensureWebBuilt(): void {
  if (!isStale()) return;
  // vite's "exports" hide bin/vite.js; its package.json is exported and names the bin.
  const vitePackage = createRequire(join(webRoot, "package.json")).resolve("vite/package.json");
  const vite = join(dirname(vitePackage), "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: webRoot, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`vite build of apps/web failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
