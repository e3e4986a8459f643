// What commands print to (stdout for results, so tests can capture it) and small shared bits.
import { readFile } from "node:fs/promises";
import { ConfigError } from "../state/state-dir.ts";

export interface Output {
  print(line: string): void;
  /** Warnings for the operator (stderr); printed with print() when absent. */
  warn?(line: string): void;
}

export const stdoutOutput: Output = { print: (line) => process.stdout.write(`${line}\n`), warn: (line) => process.stderr.write(`${line}\n`) };

export function warn(out: Output, line: string): void {
  if (out.warn) out.warn(line);
  else out.print(line);
}

export async function readCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read the CA bundle ${path}: ${(error as Error).message}`);
  }
}
