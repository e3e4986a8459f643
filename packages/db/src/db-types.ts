// The two client types every module that touches the database is written against.
import type { Prisma, PrismaClient } from "./generated/client.ts";

/** The client inside `prisma.$transaction(async (tx) => ...)`. */
export type Tx = Prisma.TransactionClient;

/** Where a read or a write can run: the client itself, or a transaction in progress. */
export type Db = PrismaClient | Tx;
