// PostgreSQL ends connections: a restart, a failover, an operator's pg_terminate_backend, a
// DROP DATABASE … WITH FORCE. That must cost the query on that connection, never the process.
// The hard case is a connection ended in the same read that made it ready, as a transaction
// checks it out: a proxy in front of the real server appends PostgreSQL's own termination
// message to that read, which PostgreSQL cannot be made to time on purpose.
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { createEmptyPostgresDatabase, type EmptyPostgresDatabase } from "@gatehouse/testkit/database";
import { requireCapability } from "@gatehouse/testkit/capability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./open-database.ts";

/** ReadyForQuery, idle: the last message of a connection's start. */
const READY = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

/** The ErrorResponse PostgreSQL sends to a backend pg_terminate_backend ends. */
function terminationMessage(): Buffer {
  const fields = Buffer.from("SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0");
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** Forwards to PostgreSQL; while armed, each new connection is ended right after it is ready. */
class TerminatingProxy {
  armed = false;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(upstream: URL): Promise<TerminatingProxy> {
    const proxy = new TerminatingProxy(createServer((client) => proxy.relay(client, upstream)));
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  urlFor(database: URL): string {
    const url = new URL(database.href);
    url.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return url.href;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, upstream: URL): void {
    const server = connect(Number(upstream.port || 5432), upstream.hostname);
    const terminate = this.armed;
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(server);
    server.on("data", (chunk: Buffer) => {
      if (!terminate || !chunk.subarray(-READY.length).equals(READY)) return void client.write(chunk);
      client.end(Buffer.concat([chunk, terminationMessage()]));
      server.destroy();
    });
    server.on("close", () => client.end());
  }
}

describe("a PostgreSQL connection ended by the server", () => {
  const run = requireCapability("lost PostgreSQL connections", { ok: Boolean(process.env.DATABASE_URL), reason: "needs PostgreSQL: set DATABASE_URL" });
  let target: EmptyPostgresDatabase;
  let proxy: TerminatingProxy;
  const opened: Database[] = [];
  const warnings: string[] = [];
  const uncaught: unknown[] = [];
  const recordUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    if (!run) return;
    target = await createEmptyPostgresDatabase();
    proxy = await TerminatingProxy.start(new URL(target.url));
    process.on("uncaughtException", recordUncaught);
  });
  afterAll(async () => {
    if (!run) return;
    process.off("uncaughtException", recordUncaught);
    for (const db of opened) await db.close();
    await proxy.close();
    await target.drop();
  });

  /** A client with an empty pool: its first statement opens a connection. */
  async function freshClient(): Promise<Database> {
    const db = await openDatabase({ databaseUrl: proxy.urlFor(new URL(target.url)), migrate: false, logger: { info: () => undefined, warn: (message) => warnings.push(message) } });
    opened.push(db);
    return db;
  }

  it.runIf(run)("fails the transaction that got it, warns once, and the next transaction gets a new connection", async () => {
    const db = await freshClient();
    const inTransaction = () => db.prisma.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
    proxy.armed = true;
    await expect(inTransaction()).rejects.toThrow();
    proxy.armed = false;

    await expect(inTransaction()).resolves.toEqual([{ one: 1 }]);
    expect(uncaught, "errors that would have killed the control plane").toEqual([]);
    expect(warnings.splice(0)).toEqual([expect.stringContaining("terminating connection due to administrator command")]);
  });

  it.runIf(run)("fails a batch of statements the same way", async () => {
    const db = await freshClient();
    proxy.armed = true;
    await expect(db.prisma.$transaction([db.prisma.$queryRaw`SELECT 1`, db.prisma.$queryRaw`SELECT 2`])).rejects.toThrow();
    proxy.armed = false;
    await expect(db.prisma.$queryRaw`SELECT 3 AS three`).resolves.toEqual([{ three: 3 }]);
    expect(uncaught).toEqual([]);
  });
});
