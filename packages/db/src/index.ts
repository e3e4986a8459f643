// @gatehouse/db: the system of record. Open it with openDatabase; everything else goes
// through the Prisma client it returns.
export { openDatabase, useEmbeddedDatabase, type DatabaseKind } from "./open-database.ts";
export { applyMigrations } from "./migrate.ts";
export { seedProviderPresets } from "./seed.ts";
export { PrismaClient, Prisma } from "./generated/client.ts";
export type { Db, Tx } from "./db-types.ts";
export * from "./generated/enums.ts";
/** @public The system of record's models, one type per table, whether or not a caller names it yet. */
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
  AlertRule,
  AlertDelivery,
} from "./generated/client.ts";
