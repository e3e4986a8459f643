// A real control plane for the CLI to talk to: started in the test process on port 0, on a
// fresh migrated test database, with a known first MSP admin.
// The CLI depends on the control plane for types only (a dev dependency); its tests start it
// through its "./server" export.
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { loadEnv, PRODUCTION_EXTENSIONS, startControlPlane, type ControlPlane } from "@gatehouse/control-plane/server";
import { temporaryDir } from "./temporary-dirs.ts";

export const ADMIN_EMAIL = "admin@example.net";
export const ADMIN_PASSWORD = "correct horse battery staple";

export interface RunningControlPlane {
  url: string;
  plane: ControlPlane;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestControlPlane(): Promise<RunningControlPlane> {
  const database = await createTestDatabase();
  try {
    const env = loadEnv({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      GATEHOUSE_ADMIN_EMAIL: ADMIN_EMAIL,
      GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Mail without SMTP goes to an outbox under DATA_DIR: keep it out of the work tree.
      DATA_DIR: temporaryDir("control-plane"),
      // Travelers' grants are public addresses; tests use the documentation ranges.
      ALLOW_DOCUMENTATION_ADDRESSES: "true",
    });
    const plane = await startControlPlane(env, {
      prisma: database.prisma,
      extensions: PRODUCTION_EXTENSIONS,
      print: () => undefined,
      webDistDir: null,
      startSweeper: false,
    });
    return {
      url: plane.url,
      plane,
      database,
      stop: async () => {
        await plane.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
