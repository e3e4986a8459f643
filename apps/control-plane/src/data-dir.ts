// DATA_DIR holds the embedded database (password and PIN hashes, sessions, its WAL) and the
// mail outbox (single-use links): only the control plane's own user may read it. A new one is
// created 0700; an existing one is tightened, with everything under it (directories 0700,
// files 0600), so an install from before this rule, or a copied backup, is closed at start.
import { chmod, lstat, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const GROUP_OR_OTHER = 0o077;

export interface DataDirReport {
  path: string;
  created: boolean;
  /** The directory's permission bits before, when it existed. */
  oldMode: number | null;
  /** Directories and files (the directory itself included) that others could reach before. */
  tightened: number;
}

export async function makeDataDirPrivate(path: string): Promise<DataDirReport> {
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (existing === null) {
    await mkdir(path, { recursive: true, mode: PRIVATE_DIR });
    return { path, created: true, oldMode: null, tightened: 0 };
  }
  if (!existing.isDirectory()) throw new Error(`DATA_DIR ${path} is not a directory`);
  const oldMode = existing.mode & 0o777;
  let tightened = 0;
  if ((oldMode & GROUP_OR_OTHER) !== 0) {
    await chmod(path, PRIVATE_DIR);
    tightened += 1;
  }
  tightened += await tightenUnder(path);
  return { path, created: false, oldMode, tightened };
}

/** Symbolic links are left alone: chmod would follow them out of DATA_DIR. */
async function tightenUnder(dir: string): Promise<number> {
  let tightened = 0;
  for (const name of await readdir(dir)) {
    const entry = join(dir, name);
    const info = await lstat(entry);
    if (info.isSymbolicLink()) continue;
    if ((info.mode & GROUP_OR_OTHER) !== 0) {
      await chmod(entry, info.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE);
      tightened += 1;
    }
    if (info.isDirectory()) tightened += await tightenUnder(entry);
  }
  return tightened;
}

/** 0o755 as "0755", the way ls and chmod show it. */
export function octalMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}
