// `pnpm start`: the control plane as a process. The only place that reads process.env.
import { loadEnv } from "./env.ts";
import { PRODUCTION_EXTENSIONS } from "./extensions.ts";
import { startControlPlane } from "./server.ts";

/** Everything the process creates (database files, outbox mail) is for its own user only. */
const PRIVATE_UMASK = 0o077;

async function main(): Promise<void> {
  process.umask(PRIVATE_UMASK);
  const env = loadEnv(process.env);
  const plane = await startControlPlane(env, { extensions: PRODUCTION_EXTENSIONS });
  const stop = (signal: NodeJS.Signals): void => {
    plane.app.logger.info({ signal }, "shutting down");
    plane.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Gatehouse control plane failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
