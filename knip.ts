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
      project: ["src/**/*.ts", "scripts/*.{ts,mjs}"],
    },
    "packages/*": {
      includeEntryExports: true,
      entry: ["src/**/*.test.ts"],
      project: ["src/**/*.ts"],
    },
  },
  // Programs the tests and benchmarks run inside network namespaces (Debian packages, not npm).
  ignoreBinaries: ["ip", "openssl", "prlimit"],
};

export default config;
