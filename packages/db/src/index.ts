// @gatehouse/db: the system of record. Open it with openDatabase; everything else goes
// through the Prisma client it returns.
export { openDatabase, useEmbeddedDatabase, type Database, type DatabaseKind, type OpenDatabaseOptions } from "./open-database.ts";
export { applyMigrations, type DbLogger, type MigrateOptions, type MigrationTarget } from "./migrate.ts";
export { diffMigrationsToSchema, type DiffOptions } from "./schema-diff.ts";
export { defaultMigrationsDir, defaultSchemaPath } from "./migrations.ts";
export { seedProviderPresets } from "./seed.ts";
export { PrismaClient, Prisma } from "./generated/client.ts";
export type { Db, Tx } from "./db-types.ts";
export * from "./generated/enums.ts";
export type {
  Tenant,
  Operator,
  Session,
  ApiToken,
  Server,
  AllowEntry,
  CustomService,
  ProviderPreset,
  PresetEnablement,
  Traveler,
  TravelerGrant,
  TravelerLink,
  AuthFailure,
  FqdnAnswer,
  AuditEvent,
} from "./generated/client.ts";
