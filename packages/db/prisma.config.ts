// For Prisma's own CLI where its native schema engine can be installed (`prisma migrate
// deploy`, `prisma migrate status`, run in packages/db with DATABASE_URL set). Gatehouse
// itself applies migrations at start and does not read this file.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
