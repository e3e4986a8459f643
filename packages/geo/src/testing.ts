// Test support (@gatehouse/geo/testing): a small database in the real files' exact format, so a
// test can say precisely which country and AS an address has and load it through GEO_DATABASE_DIR
// the way an operator's own folder is loaded.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseAddress, type NumericAddress } from "./address.ts";
import { GEO_FILES, VERSION_FILE } from "./load.ts";

export interface SyntheticGeoRows {
  country: Array<{ from: string; to: string; country: string }>;
  asn?: Array<{ from: string; to: string; asn: number; org: string }>;
  version: string;
}

function addressOf(text: string): NumericAddress {
  const parsed = parseAddress(text);
  if (parsed === null) throw new Error(`${text} is not an IP address`);
  return parsed;
}

/** The row's family and its bounds as the *-num.csv files write them. */
function bounds(from: string, to: string): { family: 4 | 6; columns: string } {
  const first = addressOf(from);
  const last = addressOf(to);
  if (first.family !== last.family) throw new Error(`${from}-${to} mixes IPv4 and IPv6`);
  return { family: first.family, columns: `${first.value},${last.value}` };
}

/** Quoted the way the real files quote: only when the name holds a comma or a quote. */
function csvText(text: string): string {
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Test support: writes a small database in the real files' exact format (ranges as text rows) into dir. */
export async function writeSyntheticGeoDatabase(dir: string, rows: SyntheticGeoRows): Promise<void> {
  const lines: Record<keyof typeof GEO_FILES, string[]> = { country4: [], country6: [], asn4: [], asn6: [] };
  for (const row of rows.country) {
    const { family, columns } = bounds(row.from, row.to);
    lines[family === 4 ? "country4" : "country6"].push(`${columns},${row.country}`);
  }
  for (const row of rows.asn ?? []) {
    const { family, columns } = bounds(row.from, row.to);
    lines[family === 4 ? "asn4" : "asn6"].push(`${columns},${row.asn},${csvText(row.org)}`);
  }
  await mkdir(dir, { recursive: true });
  for (const [file, name] of Object.entries(GEO_FILES) as Array<[keyof typeof GEO_FILES, string]>) {
    await writeFile(path.join(dir, name), lines[file].map((line) => `${line}\n`).join(""));
  }
  await writeFile(path.join(dir, VERSION_FILE), `${rows.version}\n`);
}
