// Runs `prisma generate` offline. Prisma's CLI insists on a schema-engine binary even
// though `generate` never uses it and it cannot be downloaded here, so we point it at a
// stand-in executable (see docs/operations.md, "Offline installs").
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const prismaBin = path.join(here, "..", "node_modules", ".bin", "prisma");
if (!existsSync(prismaBin)) {
  console.log("prisma CLI not installed yet; skipping generate");
  process.exit(0);
}
const result = spawnSync(prismaBin, ["generate", "--schema", path.join(root, "prisma/schema.prisma")], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
