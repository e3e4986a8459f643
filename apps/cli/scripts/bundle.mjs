// Bundles the CLI into one self-contained ESM file, dist/gatehouse.mjs, that needs only
// Node.js 20: operators copy it to their PATH (see docs/cli.md). Types from the control
// plane are erased; nothing of the server is bundled.
import { build } from "esbuild";
import { chmod } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = process.argv[2] ?? join(root, "dist", "gatehouse.mjs");

await build({
  entryPoints: [join(root, "src", "bundle-entry.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // CommonJS dependencies (cli-table3) call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __gatehouseCreateRequire } from 'node:module';\nconst require = __gatehouseCreateRequire(import.meta.url);",
  },
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
await chmod(outfile, 0o755);
console.log(`wrote ${outfile}`);
