// The embedded default is one replica: a second control plane started on the same PGlite
// DATA_DIR (an operator scaling out without PostgreSQL, or a second `pnpm start` left running)
// is refused before it opens the database, with what to do instead, and the first goes on. A
// first one that died leaves a lock nobody answers, and the next start takes it over.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnControlPlane } from "./kit/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "gh-one-replica-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const BASE = { PORT: "0", HOST: "127.0.0.1", GATEHOUSE_ADMIN_EMAIL: "msp@example.net", GATEHOUSE_ADMIN_PASSWORD: "correct horse battery staple" };

describe("PGlite serves one control plane", () => {
  it("refuses a second control plane on the same DATA_DIR and says to use PostgreSQL; the first keeps serving", async () => {
    const dataDir = join(scratch, "shared");
    const first = spawnControlPlane({ ...BASE, DATA_DIR: dataDir });
    const url = await first.listening();
    try {
      const second = spawnControlPlane({ ...BASE, DATA_DIR: dataDir });
      expect(await second.exited()).toBe(1);
      expect(second.stderr()).toMatch(/another control plane is running on the embedded database in .*shared: PGlite serves one process only/);
      expect(second.stderr()).toMatch(/set DATABASE_URL/);
      expect(second.stdout()).not.toMatch(/listening/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it("a control plane killed outright does not block the next start", async () => {
    const dataDir = join(scratch, "killed");
    const first = spawnControlPlane({ ...BASE, DATA_DIR: dataDir });
    await first.listening();
    expect(await first.kill()).not.toBe(0);
    const next = spawnControlPlane({ ...BASE, DATA_DIR: dataDir });
    try {
      const url = await next.listening();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await next.stop();
    }
  });
});
