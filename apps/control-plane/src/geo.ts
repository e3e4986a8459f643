// The control plane's geo database (@gatehouse/geo): country and AS of a knocking source, and a
// country's networks. Its version is read and logged at start (a bad GEO_DATABASE_DIR stops the
// start); the data (~1.1 million rows, seconds and ~100 MB) loads on the first call that needs
// it, once per process, so a plane nobody asks about countries never pays for it.
import { GEO_ATTRIBUTION, loadGeoDatabase, readGeoDatabaseVersion, type GeoDatabase } from "@gatehouse/geo";
import type { Env } from "./env.ts";
import type { Logger } from "./logger.ts";

export interface GeoService {
  /** The version the database says it is, read at start. */
  readonly version: string;
  /** What the console and the CLI show with country and AS answers. */
  readonly attribution: string;
  /** The database, loaded on first use; null (and logged) when its files cannot be read. */
  database(): Promise<GeoDatabase | null>;
}

export async function startGeoService(env: Env, logger: Logger): Promise<GeoService> {
  const options = env.GEO_DATABASE_DIR === undefined ? {} : { dir: env.GEO_DATABASE_DIR };
  const source = env.GEO_DATABASE_DIR ?? "the npm packages";
  const version = await readGeoDatabaseVersion(options);
  logger.info({ version, source }, "geo database (loaded on first use)");
  let loading: Promise<GeoDatabase | null> | null = null;
  const load = async (): Promise<GeoDatabase | null> => {
    const startedAt = Date.now();
    try {
      const database = await loadGeoDatabase(options);
      logger.info({ version: database.version, source, ms: Date.now() - startedAt }, "geo database loaded");
      return database;
    } catch (error) {
      logger.error({ err: error, source }, "geo database could not be loaded: countries and AS numbers stay unknown");
      loading = null;
      return null;
    }
  };
  return { version, attribution: GEO_ATTRIBUTION, database: () => (loading ??= load()) };
}
