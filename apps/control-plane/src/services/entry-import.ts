// Bulk import of allow entries into one scope. The preview judges every line (core's line
// parser, then the services the scope can see and the entries it already has) and writes
// nothing; the import judges them again inside ONE runMutation, so the whole import is one
// transaction with one audit event per entry and one revision bump per covered server. A bad
// line refuses the whole import unless the operator asked for the valid lines only.
import {
  GatehouseError,
  lookupServices,
  normaliseServiceIds,
  parseImportLines,
  type EntryScope,
  type ImportDraft,
  type ServiceDefinition,
  type SourceFloors,
  type StoredScope,
} from "@gatehouse/core";
import type { AllowEntry, Db } from "@gatehouse/db";
import type { GeoService } from "../geo.ts";
import { knownCountryCodes, unknownCountryProblem } from "./country-entries.ts";
import { visibleCustomServices } from "./desired-state.ts";
import { entryAuditView, scopeColumns } from "./entries.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

export interface ImportRequest {
  text: string;
  scope: EntryScope;
  floors: SourceFloors;
  /** Says which countries a country line may name (read only when a line names one). */
  geo: GeoService;
}

/** One line's fate: what it will allow, or why it cannot. */
export type JudgedLine = { line: number; text: string } & ({ ok: true; draft: ImportDraft } | { ok: false; message: string });

export interface ImportResult {
  created: AllowEntry[];
  lines: JudgedLine[];
}

function withKnownServices(line: JudgedLine, custom: readonly ServiceDefinition[]): JudgedLine {
  if (!line.ok) return line;
  try {
    lookupServices(line.draft.services, custom);
  } catch (error) {
    if (error instanceof GatehouseError) return { line: line.line, text: line.text, ok: false, message: error.message };
    throw error;
  }
  return { ...line, draft: { ...line.draft, services: normaliseServiceIds(line.draft.services) } };
}

/** Sources of `sources` with an unexpired entry in `scope`: source -> entry id. */
async function liveEntriesIn(db: Db, scope: StoredScope, sources: string[], now: Date): Promise<Map<string, string>> {
  if (sources.length === 0) return new Map();
  const rows = await db.allowEntry.findMany({
    where: { ...scope, source: { in: sources }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true, source: true },
  });
  return new Map(rows.map((row) => [row.source, row.id]));
}

/** Country lines naming a code the geo database does not have are refused. */
async function withKnownCountries(lines: JudgedLine[], geo: GeoService): Promise<JudgedLine[]> {
  if (!lines.some((line) => line.ok && line.draft.source.kind === "country")) return lines;
  const codes = await knownCountryCodes(geo);
  return lines.map((line) => {
    if (!line.ok || line.draft.source.kind !== "country") return line;
    const problem = unknownCountryProblem(codes, line.draft.source.canonical, line.draft.source.country);
    return problem === null ? line : { line: line.line, text: line.text, ok: false, message: problem };
  });
}

async function judge(db: Db, request: ImportRequest, now: Date): Promise<{ scope: StoredScope; lines: JudgedLine[] }> {
  const parsed = await withKnownCountries(parseImportLines(request.text, { floors: request.floors, now }), request.geo);
  const scope = await scopeColumns(db, request.scope);
  // A fleet-wide entry may use only fleet-wide custom services (no tenant id matches "").
  const custom = await visibleCustomServices(db, scope.tenantId ?? "");
  const checked = parsed.map((line) => withKnownServices(line, custom));
  const sources = checked.flatMap((line) => (line.ok ? [line.draft.source.canonical] : []));
  const existing = await liveEntriesIn(db, scope, sources, now);
  const lines = checked.map((line): JudgedLine => {
    const entryId = line.ok ? existing.get(line.draft.source.canonical) : undefined;
    if (!line.ok || entryId === undefined) return line;
    return { line: line.line, text: line.text, ok: false, message: `${line.draft.source.canonical} is already allowed in this scope (entry ${entryId.slice(0, 8)})` };
  });
  return { scope, lines };
}

/** What each line would do; writes nothing. */
export async function previewImport(db: Db, request: ImportRequest, now: Date): Promise<JudgedLine[]> {
  return (await judge(db, request, now)).lines;
}

function refusal(lines: JudgedLine[], validCount: number): GatehouseError {
  const bad = lines.flatMap((line) => (line.ok ? [] : [line]));
  const first = bad.slice(0, 3).map((line) => `line ${line.line}: ${line.message}`).join("; ");
  const more = bad.length > 3 ? `; and ${bad.length - 3} more` : "";
  const choice = validCount > 0 ? `fix them, or import the ${validCount} valid line${validCount === 1 ? "" : "s"} only` : "fix them";
  return new GatehouseError("BAD_INPUT", `${bad.length} of ${lines.length} lines cannot be imported, so nothing was (${first}${more}); ${choice}`, {
    field: "text",
    badLines: bad.map((line) => line.line),
  });
}

/** Writes every valid line as one entry, all in one transaction; refuses all if any is bad, unless `validLinesOnly`. */
export async function importEntries(ctx: MutationContext, request: ImportRequest & { validLinesOnly: boolean; createdById: string | null }): Promise<ImportResult> {
  return runMutation(ctx, "entry.imported", async (tx) => {
    const now = ctx.now();
    const { scope, lines } = await judge(tx, request, now);
    const drafts = lines.flatMap((line) => (line.ok ? [line.draft] : []));
    if (drafts.length === 0 || (drafts.length < lines.length && !request.validLinesOnly)) throw refusal(lines, drafts.length);
    const created = await tx.allowEntry.createManyAndReturn({
      data: drafts.map((draft) => ({
        ...scope,
        source: draft.source.canonical,
        sourceKind: draft.source.kind,
        services: draft.services,
        origin: "OPERATOR" as const,
        comment: draft.comment,
        createdById: request.createdById,
        createdAt: now,
        expiresAt: draft.expiresAt,
      })),
    });
    return {
      result: { created, lines },
      audit: created.map((entry) => ({ tenantId: entry.tenantId, targetType: "allowEntry", targetId: entry.id, after: entryAuditView(entry) })),
      affected: [request.scope],
    };
  });
}
