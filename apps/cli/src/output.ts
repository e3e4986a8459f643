// What a command prints: aligned columns for people (like `iptables -nL` or `kubectl get`,
// no box drawing so the output greps and pastes cleanly), or JSON for scripts. Everything
// printed passes showControlCharacters (visible-text.ts): server text never reaches the
// terminal raw.
import Table from "cli-table3";
import { showControlCharacters, visibleLines } from "./visible-text.ts";

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

export interface Printer {
  json: boolean;
  /** Data for scripts; printed only with --json. */
  data(value: unknown): void;
  /** A line for people; printed only without --json. */
  line(text: string): void;
  table<Row>(rows: readonly Row[], columns: Column<Row>[], empty: string): void;
  /** Either the JSON value or the human line, whichever mode we are in. */
  result(value: unknown, human: string): void;
}

const BORDERLESS = {
  top: "", "top-mid": "", "top-left": "", "top-right": "",
  bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
  left: "", "left-mid": "", mid: "", "mid-mid": "",
  right: "", "right-mid": "", middle: "  ",
};

function renderTable<Row>(rows: readonly Row[], columns: Column<Row>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header.toUpperCase()),
    chars: BORDERLESS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  return table.toString().split("\n").map((l) => l.trimEnd()).join("\n");
}

/** A cell is one line, escaped before layout so the columns are measured as printed. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return showControlCharacters(String(value));
}

export function createPrinter(json: boolean, writeRaw: (text: string) => void = (t) => process.stdout.write(t)): Printer {
  const write = (text: string) => writeRaw(visibleLines(text));
  return {
    json,
    data(value) {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
    },
    line(text) {
      if (!json) write(`${text}\n`);
    },
    table(rows, columns, empty) {
      if (json) write(`${JSON.stringify(rows, null, 2)}\n`);
      else write(`${rows.length ? renderTable(rows, columns) : empty}\n`);
    },
    result(value, human) {
      write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
    },
  };
}

/** A timestamp for a table cell: "2025-06-01 14:03Z"; empty stays empty. */
export function shortTime(value: string | Date | null | undefined): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace("T", " ")}Z`;
}

/** "3m ago", "2h ago", "5d ago" for last-seen columns. */
export function ago(value: string | Date | null | undefined, now = Date.now()): string {
  if (!value) return "never";
  const ms = now - new Date(value).getTime();
  if (Number.isNaN(ms)) return String(value);
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
