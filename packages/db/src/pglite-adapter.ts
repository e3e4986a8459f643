// pglite-prisma-adapter 0.7.2, with two fixes the schema engine needs:
// - its executeScript does not await PGlite's exec, so a failing migration script would be
//   recorded as applied and its error surface later as an unhandled rejection;
// - its shadow database is an in-memory PGlite that is never closed.
import { PGlite } from "@electric-sql/pglite";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

interface PostgresErrorFields {
  code?: string;
  severity?: string;
  message: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function toDriverError(error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== "string") return error;
  const e = error as Error & PostgresErrorFields;
  return new DriverAdapterError({
    kind: "postgres",
    code: e.code ?? "",
    severity: e.severity ?? "ERROR",
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}

function withAwaitedScripts(adapter: SqlDriverAdapter, client: PGlite, onDispose?: () => Promise<void>): SqlDriverAdapter {
  const fixed = Object.create(adapter) as SqlDriverAdapter;
  fixed.executeScript = async (script: string) => {
    try {
      await client.exec(script);
    } catch (error) {
      throw toDriverError(error);
    }
  };
  if (onDispose) fixed.dispose = async () => { await adapter.dispose(); await onDispose(); };
  return fixed;
}

/**
 * A migration-aware adapter factory for one PGlite instance (the only connection to it).
 * The shadow database (where the engine replays migrations to diff them) is a fresh
 * in-memory PGlite, or `options.shadow` when the caller has a throwaway one already.
 */
export function pgliteAdapterFactory(client: PGlite, options: { shadow?: PGlite } = {}): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPGlite(client);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => withAwaitedScripts(await base.connect(), client),
    connectToShadowDb: async () => {
      if (options.shadow) return withAwaitedScripts(await new PrismaPGlite(options.shadow).connect(), options.shadow);
      const shadow = await PGlite.create();
      const adapter = await new PrismaPGlite(shadow).connect();
      return withAwaitedScripts(adapter, shadow, () => shadow.close());
    },
  };
}
