// The PostgreSQL connection pool behind Prisma, guarded so that a connection PostgreSQL ends
// (a restart, a failover, pg_terminate_backend, DROP DATABASE … WITH FORCE) costs one failed
// query, never the process.
//
// node-postgres emits `error` on the pool for an idle client, but on the client itself while
// it is checked out, and an `error` with no listener is an uncaught exception. Prisma's adapter
// listens on the pool, and on a transaction's client only from the turn after it checks it out:
// a termination arriving in the same read as the connection's ReadyForQuery lands in between
// and killed the control plane. So every client gets its own listener the moment it connects.
import pg from "pg";

/** Told of each connection PostgreSQL ended (the pool has already dropped it). */
export type LostConnection = (error: Error) => void;

export function guardedPool(connectionString: string, onLost: LostConnection): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  pool.on("connect", (client) => client.on("error", onLost));
  // An idle client's error reaches the pool too; the client's own listener has reported it.
  pool.on("error", () => undefined);
  return pool;
}

/** The same listener on a lone client (a session held for a lock or LISTEN). */
export function guardedClient(connectionString: string, onLost: LostConnection): pg.Client {
  const client = new pg.Client({ connectionString });
  client.on("error", onLost);
  return client;
}

/** Reports a lost connection as one warning line: PostgreSQL's own words, which carry no secret. */
export function lostConnectionReporter(logger: { warn?(message: string): void } | undefined): LostConnection {
  return (error) => logger?.warn?.(`lost a PostgreSQL connection (the next query opens another): ${error.message}`);
}
