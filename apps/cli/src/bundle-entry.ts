// Entry point of the bundled binary (dist/gatehouse.mjs).
import { main } from "./main.ts";

process.exitCode = await main(process.argv);
