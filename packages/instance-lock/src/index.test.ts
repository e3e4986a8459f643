import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireInstanceLock, InstanceLockedError } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "gh-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("one process at a time in a directory", () => {
  it("refuses a second holder while the first lives, naming the hint, and is free again once released", async () => {
    const path = join(dir, "held.lock");
    const first = await acquireInstanceLock(path, "the first one");
    await expect(acquireInstanceLock(path, "the first one")).rejects.toThrow(InstanceLockedError);
    await expect(acquireInstanceLock(path, "the first one")).rejects.toThrow("the first one");
    await first.release();
    const again = await acquireInstanceLock(path, "the first one");
    await again.release();
  });

  it("takes over a lock file nobody answers (its holder crashed)", async () => {
    const path = join(dir, "stale.lock");
    writeFileSync(path, "");
    const lock = await acquireInstanceLock(path, "nobody");
    await lock.release();
  });
});
