// knip: files, exports and dependencies that nothing uses. Entry points are each app's
// main and bin, the bundles' entries (esbuild, which knip cannot follow), every test file,
// the benchmarks and the scripts package.json runs; vite, vitest and eslint are found by
// knip's plugins.
import type { KnipConfig } from "knip";

const tests = ["src/**/*.test.ts", "test/**/*.test.ts"];

const config: KnipConfig = {
  workspaces: {
    ".": {
      entry: ["bench/*.bench.ts", "infra/asterisk/prompt-list.ts"],
      project: ["bench/**/*.ts", "infra/**/*.ts"],
    },
    "apps/agent": {
      entry: ["src/main.ts", ...tests],
      project: ["src/**/*.ts", "test/**/*.ts"],
    },
    "apps/cli": {
      // systemctl-stand-in.mjs is run by path (install-netns.test.ts), never imported.
      entry: ["src/bundle-entry.ts", "test/**/*.test.ts", "test/systemctl-stand-in.mjs"],
      project: ["src/**/*.ts", "test/**/*.{ts,mjs}"],
      // The package depends on itself so that its bin is linked into its own node_modules/.bin:
      // `pnpm --filter @gatehouse/cli exec gatehouse` (docs/cli.md) runs nothing without it.
      ignoreDependencies: ["@gatehouse/cli"],
    },
    "apps/control-plane": {
      entry: ["test/**/*.test.ts"],
      project: ["src/**/*.ts", "test/**/*.ts"],
    },
    "apps/web": {
      entry: ["test/**/*.test.ts"],
      project: ["src/**/*.{ts,tsx}", "test/**/*.ts"],
    },
    "packages/db": {
      includeEntryExports: true,
      entry: ["src/**/*.test.ts", "scripts/*.{ts,mjs}"],
      // The schema (at the repository root, found through prisma.config.ts) names the client
      // generator knip's Prisma plugin follows.
      project: ["src/**/*.ts", "scripts/*.{ts,mjs}", "../../prisma/*.prisma"],
    },
    // The test kit has no tests of its own: its entries are its package.json exports.
    "packages/testkit": {
      includeEntryExports: true,
      project: ["src/**/*.ts"],
    },
    "packages/*": {
      includeEntryExports: true,
      entry: ["src/**/*.test.ts"],
      project: ["src/**/*.ts"],
    },
  },
  // Programs the tests and benchmarks run (Debian packages, not npm): inside network namespaces,
  // HAProxy in front of control planes, util-linux's script for a real terminal, and gcc for the
  // scan bench's packet sender.
  ignoreBinaries: ["ip", "openssl", "prlimit", "haproxy", "script", "gcc"],
};

export default config;
