// Runs every benchmark in bench/ in turn (or those named on the command line) and prints
// their tables. `pnpm bench` or `pnpm bench core-effective-state fanout`.
// Benchmarks that need root and network namespaces say so and are skipped without root.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  main: () => Promise<void> | void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, "")}\n`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Partial<BenchModule>;
  if (typeof mod.main !== "function") {
    console.log(`(${file} exports no main(); run it directly with npx tsx bench/${file})`);
    continue;
  }
  try {
    await mod.main();
  } catch (error) {
    console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
