// Temporary directories the CLI tests create (homes, bundle, agent state, mail outbox), all
// removed by removeTemporaryDirs() in each test file's afterAll.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created: string[] = [];

export function temporaryDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-cli-${purpose}-`));
  created.push(dir);
  return dir;
}

export function removeTemporaryDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
