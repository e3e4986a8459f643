// One process at a time in a directory: the agent's `run` and `uninstall` in its state directory
// (one command that changes the firewall for good at a time), the control plane in the PGlite
// DATA_DIR it opens (PGlite is one process's database: a second writer corrupts it). The lock is
// a Unix socket in the directory that its holder listens on: a live holder answers a connect, a
// crashed one leaves a file nobody answers (taken over), and a reused pid can never look like a
// holder.
import { createConnection, createServer, type Server } from "node:net";
import { rm } from "node:fs/promises";

export class InstanceLockedError extends Error {
  override readonly name = "InstanceLockedError";
}

export interface InstanceLock {
  release(): Promise<void>;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // A holder only has to be reachable: whoever connects is told nothing and hung up on.
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen({ path, exclusive: true }, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** Takes the lock at `path`; throws InstanceLockedError naming `holderHint` while a live holder has it. */
export async function acquireInstanceLock(path: string, holderHint: string): Promise<InstanceLock> {
  let server: Server;
  try {
    server = await listen(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    if (await answers(path)) throw new InstanceLockedError(holderHint);
    await rm(path, { force: true });
    server = await listen(path);
  }
  server.unref();
  return {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
