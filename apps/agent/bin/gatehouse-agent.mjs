#!/usr/bin/env node
// Runs the agent from a development checkout (TypeScript through tsx). Servers run the
// single-file bundle instead (`pnpm --filter @gatehouse/agent build` -> dist/gatehouse-agent.mjs,
// installed as /usr/local/bin/gatehouse-agent; see docs/agent.md).
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/main.ts", import.meta.url).href);
