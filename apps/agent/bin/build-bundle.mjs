#!/usr/bin/env node
// Builds dist/gatehouse-agent.mjs: the agent and its dependencies in one ESM file that needs
// only Node >= 20 on the server (no npm install on the PBX). `pnpm --filter @gatehouse/agent build`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  entryPoints: [`${root}/src/main.ts`],
  outfile: `${root}/dist/gatehouse-agent.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // ws and pino are CommonJS and call require() for Node built-ins at run time.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __gatehouseCreateRequire } from 'node:module'; const require = __gatehouseCreateRequire(import.meta.url);" },
  // Optional native speed-ups of ws; the agent works without them.
  external: ["bufferutil", "utf-8-validate"],
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${root}dist/gatehouse-agent.mjs`);
