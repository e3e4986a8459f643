// Bulk import of allow entries: lines pasted into the console or a CSV file given to the CLI,
// one entry a line as `source, services, comment, expiry`. Each line is judged on its own and
// keeps its own message (the source parser's, word for word), so the operator sees what every
// line will do before anything is written. A line with a tab is split on tabs (a spreadsheet's
// paste), any other on commas, with "double quotes" around a field that holds commas.
import { GatehouseError } from "./errors.ts";
import { checkCountryServices } from "./country.ts";
import { parseSource, type ParsedSource, type SourceFloors } from "./source.ts";

/** What one line asks for, once it parsed. */
export interface ImportDraft {
  source: ParsedSource;
  services: string[];
  comment: string;
  expiresAt: Date | null;
}

export type ImportLine = { line: number; text: string } & ({ ok: true; draft: ImportDraft } | { ok: false; message: string });

const IMPORT_MAX_LINES = 5_000;
/** Under the API's 1 MiB request body, with room for the rest of the call. */
export const IMPORT_MAX_CHARACTERS = 500_000;
const COMMENT_MAX = 500;
const FIELD_NAMES = ["source", "services", "comment", "expiry"] as const;
const SERVICE_ID = /^[a-z][a-z0-9-]{0,20}$/;
const DURATION = /^(\d{1,6})\s*([mhdw])$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

class LineProblem extends Error {}

/** Comma-separated fields; "quoted" fields may hold commas, and "" is a quote inside them. */
function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  if (quoted) throw new LineProblem("a quoted field is not closed (a \" is missing)");
  fields.push(field);
  return fields.map((f) => f.trim());
}

function fieldsOf(text: string): string[] {
  const fields = text.includes("\t") ? text.split("\t").map((f) => f.trim()) : splitCsv(text);
  while (fields.length > 1 && fields[fields.length - 1] === "") fields.pop();
  if (fields.length > FIELD_NAMES.length) {
    throw new LineProblem(`${fields.length} fields where at most ${FIELD_NAMES.length} are read (${FIELD_NAMES.join(", ")}); put a comment with commas in "double quotes"`);
  }
  return fields;
}

function servicesOf(text: string): string[] {
  const ids = text.toLowerCase().split(/[\s,;+|]+/).filter(Boolean);
  if (ids.length === 0) throw new LineProblem("no services: name them (e.g. sip rtp), or write all to open every port");
  for (const id of ids) if (!SERVICE_ID.test(id)) throw new LineProblem(`"${id}" is not a service id (like sip, rtp, ssh)`);
  return [...new Set(ids)];
}

/** Empty or "never": no expiry; else a duration from now (30m, 12h, 7d, 2w) or an ISO date. */
function expiryOf(text: string, now: Date): Date | null {
  if (text === "" || text.toLowerCase() === "never") return null;
  const duration = DURATION.exec(text);
  let at: Date;
  if (duration) at = new Date(now.getTime() + Number(duration[1]) * (UNIT_MS[duration[2]!.toLowerCase()] ?? 0));
  else if (/^\d{4}-\d{2}-\d{2}/.test(text)) at = new Date(text);
  else throw new LineProblem(`expiry "${text}": give a duration like 30m, 12h, 7d, 2w, an ISO date like 2026-12-31, or leave it empty`);
  if (Number.isNaN(at.getTime())) throw new LineProblem(`expiry "${text}" is not a valid date`);
  if (at <= now) throw new LineProblem(`expiry "${text}" is not in the future`);
  return at;
}

function draftOf(text: string, floors: SourceFloors, now: Date): ImportDraft {
  const [source = "", services = "", comment = "", expiry = ""] = fieldsOf(text);
  let parsed: ParsedSource;
  try {
    parsed = parseSource(source, floors);
  } catch (error) {
    if (error instanceof GatehouseError) throw new LineProblem(error.message);
    throw error;
  }
  const lineServices = servicesOf(services);
  if (parsed.kind === "country") {
    try {
      checkCountryServices(parsed.canonical, lineServices);
    } catch (error) {
      if (error instanceof GatehouseError) throw new LineProblem(error.message);
      throw error;
    }
  }
  if (comment.length > COMMENT_MAX) throw new LineProblem(`the comment is ${comment.length} characters; the longest kept is ${COMMENT_MAX}`);
  return { source: parsed, services: lineServices, comment, expiresAt: expiryOf(expiry, now) };
}

function isHeader(text: string): boolean {
  try {
    return fieldsOf(text)[0]?.toLowerCase() === "source";
  } catch {
    return false;
  }
}

/** Lines that say something: not blank, not a # comment, not the CSV header. */
function meaningfulLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r\n|\r|\n/).map((line, index) => ({ line: index + 1, text: line.trim() }));
  const meaningful = lines.filter((l) => l.text !== "" && !l.text.startsWith("#"));
  if (meaningful[0] && isHeader(meaningful[0].text)) meaningful.shift();
  return meaningful;
}

/**
 * Every line's draft or its problem. A source given twice is a problem on its second line. The
 * whole text is refused (BAD_INPUT) only when it is too large or holds no line at all.
 */
export function parseImportLines(text: string, options: { floors?: SourceFloors; now: Date }): ImportLine[] {
  if (text.length > IMPORT_MAX_CHARACTERS) throw new GatehouseError("BAD_INPUT", `an import is at most ${IMPORT_MAX_CHARACTERS} characters; split it`, { field: "text" });
  const lines = meaningfulLines(text);
  if (lines.length === 0) throw new GatehouseError("BAD_INPUT", "nothing to import: give one entry a line as source, services, comment, expiry", { field: "text" });
  if (lines.length > IMPORT_MAX_LINES) throw new GatehouseError("BAD_INPUT", `an import is at most ${IMPORT_MAX_LINES} lines (this one has ${lines.length}); split it`, { field: "text" });
  const firstLineOf = new Map<string, number>();
  return lines.map(({ line, text: lineText }): ImportLine => {
    try {
      const draft = draftOf(lineText, options.floors ?? {}, options.now);
      const earlier = firstLineOf.get(draft.source.canonical);
      if (earlier !== undefined) return { line, text: lineText, ok: false, message: `${draft.source.canonical} is already on line ${earlier}` };
      firstLineOf.set(draft.source.canonical, line);
      return { line, text: lineText, ok: true, draft };
    } catch (error) {
      if (error instanceof LineProblem) return { line, text: lineText, ok: false, message: error.message };
      throw error;
    }
  });
}
