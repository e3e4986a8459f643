#!/usr/bin/env node
// The `gatehouse` command inside the workspace: runs the TypeScript sources through tsx.
// Operators install the self-contained bundle instead (`pnpm --filter @gatehouse/cli build`
// writes dist/gatehouse.mjs, which needs nothing but Node.js 20); see docs/cli.md.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
