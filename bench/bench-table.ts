// The table a namespace bench prints: a label column, then right-aligned values.

export interface Row {
  what: string;
  values: string[];
}

export function printTable(title: string, header: string[], rows: Row[]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (i === 0 ? row.what : row.values[i - 1] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line([row.what, ...row.values]));
}
