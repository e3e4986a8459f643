// Allow entries. `add` takes any source and lets the parser say what it is (IP, CIDR or host
// name); `addIp` and `addFqdn` are the Travelin' Man 3 `add-ip` / `add-fqdn` and insist on
// the kind. The source is parsed with the configured prefix floors; the parser's message is
// what the operator sees, attached to the `source` field.
import { z } from "zod";
import { countryEntryWarnings, ENTRY_SCOPE_KINDS, entryScopeSchema, GatehouseError, IMPORT_MAX_CHARACTERS, parseSource, type ParsedSource, type SourceFloors } from "@gatehouse/core";
import type { AllowEntry } from "@gatehouse/db";
import { checkCountryKnown } from "../../services/country-entries.ts";
import { addEntry, listEntries, removeEntry, setEntryExpiry, updateEntry } from "../../services/entries.ts";
import { importEntries, previewImport, type JudgedLine } from "../../services/entry-import.ts";
import { iso } from "../../services/listing.ts";
import { storedSourceKind } from "../../services/source-kind.ts";
import { groupNameSchema, idSchema, instantSchema, pageSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";
import type { ControlPlaneApp } from "../../app.ts";

const serviceId = z.string().min(1).max(21);
const servicesInput = z.array(serviceId).min(1, "choose at least one service").max(30);

// No default: Travelin' Man 3's add-ip opened every port, so a trunk added in a hurry also
// opened SSH, HTTP and TFTP to it. "all" is still there for whoever names it.
const MISSING_SERVICES = "choose the services: e.g. sip,rtp; all opens every service";
const requiredServicesInput = z
  .array(serviceId, { error: (issue) => (issue.input === undefined ? MISSING_SERVICES : undefined) })
  .min(1, "choose at least one service")
  .max(30);

const addInput = z.strictObject({
  source: z.string().max(300),
  /** Service ids (catalogue or custom), or "all". */
  services: requiredServicesInput,
  scope: entryScopeSchema,
  comment: z.string().trim().max(500).default(""),
  expiresAt: instantSchema.nullable().optional(),
});

function entryView(entry: AllowEntry, now: Date) {
  return {
    id: entry.id,
    source: entry.source,
    kind: storedSourceKind(entry.sourceKind),
    services: entry.services,
    scope: entry.scope,
    tenantId: entry.tenantId,
    groupName: entry.groupName,
    serverId: entry.serverId,
    origin: entry.origin,
    comment: entry.comment,
    createdById: entry.createdById,
    createdAt: iso(entry.createdAt),
    expiresAt: iso(entry.expiresAt),
    expired: entry.expiresAt !== null && entry.expiresAt <= now,
    travelerGrantId: entry.travelerGrantId,
  };
}

function parseSourceField(text: string, floors: SourceFloors, kind?: ParsedSource["kind"]): ParsedSource {
  let parsed: ParsedSource;
  try {
    parsed = parseSource(text, floors);
  } catch (error) {
    if (error instanceof GatehouseError) throw new GatehouseError(error.code, error.message, { field: "source" });
    throw error;
  }
  if (kind !== undefined && parsed.kind === "country" && kind !== "country") throw new GatehouseError("BAD_INPUT", `${parsed.canonical} is a country (use add)`, { field: "source" });
  if (kind === "ip" && parsed.kind !== "ip") throw new GatehouseError("BAD_INPUT", `${parsed.canonical} is a host name, not an IP address or CIDR (use add-fqdn)`, { field: "source" });
  if (kind === "fqdn" && parsed.kind !== "fqdn") throw new GatehouseError("BAD_INPUT", `${parsed.canonical} is an IP address, not a host name (use add-ip)`, { field: "source" });
  return parsed;
}

function addProcedure(kind?: ParsedSource["kind"]) {
  return writeProcedure(addInput, { fleetLevel: (input) => input.scope.kind === "FLEET" }).mutation(async ({ ctx, input }) => {
    const source = parseSourceField(input.source, ctx.app.sourceFloors, kind);
    if (source.kind === "country") await checkCountryKnown(ctx.app.geo, source);
    const entry = await addEntry(ctx.mutation, {
      source,
      services: input.services,
      scope: input.scope,
      comment: input.comment,
      expiresAt: input.expiresAt ?? null,
      createdById: ctx.actor.operatorId,
    });
    const warnings = source.kind === "country" ? countryEntryWarnings(source.canonical, entry.services) : [];
    return { ...entryView(entry, ctx.app.now()), warnings };
  });
}

const checkSourceInput = z.strictObject({
  source: z.string().max(300),
  /** The services the entry would get: a country entry's warnings depend on them. */
  services: z.array(serviceId).max(30).default([]),
});

/**
 * What `source` would be as an entry, before it is added: its canonical form and kind, the
 * warnings add would give, and whether it covers the caller's own address (the console asks for
 * confirmation then: a country entry is no way to keep oneself in, its lists move).
 */
async function checkSource(ctx: { app: ControlPlaneApp; clientAddress: string }, input: z.infer<typeof checkSourceInput>) {
  const source = parseSourceField(input.source, ctx.app.sourceFloors);
  if (source.kind !== "country") return { source: source.canonical, kind: source.kind, warnings: [], coversYourAddress: false, yourAddress: ctx.clientAddress };
  await checkCountryKnown(ctx.app.geo, source);
  const database = await ctx.app.geo.database();
  const yours = database?.lookup(ctx.clientAddress).country ?? null;
  return { source: source.canonical, kind: source.kind, warnings: countryEntryWarnings(source.canonical, input.services), coversYourAddress: yours === source.country, yourAddress: ctx.clientAddress };
}

const updateInput = z.strictObject({
  entryId: idSchema,
  services: servicesInput.optional(),
  comment: z.string().trim().max(500).optional(),
  scope: entryScopeSchema.optional(),
});

const importInput = z.strictObject({
  /** One entry a line: source, services, comment, expiry (core's import-lines.ts). */
  text: z.string().max(IMPORT_MAX_CHARACTERS),
  scope: entryScopeSchema,
});

const importCommitInput = importInput.extend({
  /** Write the valid lines and skip the bad ones; otherwise one bad line refuses the import. */
  validLinesOnly: z.boolean().default(false),
});

function lineView(line: JudgedLine) {
  if (!line.ok) return { line: line.line, text: line.text, ok: false as const, message: line.message, source: null, services: [], comment: "", expiresAt: null };
  const { source, services, comment, expiresAt } = line.draft;
  return { line: line.line, text: line.text, ok: true as const, message: "", source: source.canonical, services, comment, expiresAt: iso(expiresAt) };
}

const listInput = pageSchema.extend({
  scope: z.enum(ENTRY_SCOPE_KINDS).optional(),
  tenantId: idSchema.optional(),
  /** Entries that reach this server: fleet, its tenant, its groups, itself. */
  serverId: idSchema.optional(),
  group: groupNameSchema.optional(),
  /** Substring of the canonical source. */
  source: z.string().max(300).optional(),
  origin: z.enum(["OPERATOR", "PROVIDER", "TRAVELER"]).optional(),
  includeExpired: z.boolean().default(false),
});

export const entriesRouter = createTRPCRouter({
  add: addProcedure(),
  addIp: addProcedure("ip"),
  addFqdn: addProcedure("fqdn"),

  /** A source as add would take it, and whether it covers the caller's own address; writes nothing. */
  checkSource: readProcedure(checkSourceInput).query(({ ctx, input }) => checkSource(ctx, input)),

  remove: writeProcedure(z.strictObject({ entryId: idSchema })).mutation(async ({ ctx, input }) => entryView(await removeEntry(ctx.mutation, input.entryId), ctx.app.now())),

  /** Services, comment and scope of an operator's entry; a move bumps the old and the new scope's servers. */
  update: writeProcedure(updateInput, { fleetLevel: (input) => input.scope?.kind === "FLEET" }).mutation(async ({ ctx, input }) =>
    entryView(await updateEntry(ctx.mutation, input.entryId, { services: input.services, comment: input.comment, scope: input.scope }), ctx.app.now()),
  ),

  /** What each line of a bulk import would do; writes nothing. */
  // A mutation only in HTTP terms (POST): a pasted file does not fit in a GET URL.
  importPreview: readProcedure(importInput).mutation(async ({ ctx, input }) => {
    const lines = await previewImport(ctx.app.prisma, { text: input.text, scope: input.scope, floors: ctx.app.sourceFloors, geo: ctx.app.geo }, ctx.app.now());
    return { lines: lines.map(lineView), valid: lines.filter((line) => line.ok).length };
  }),

  /** Every line as one entry, in one transaction; a bad line refuses all unless validLinesOnly. */
  import: writeProcedure(importCommitInput, { fleetLevel: (input) => input.scope.kind === "FLEET" }).mutation(async ({ ctx, input }) => {
    const now = ctx.app.now();
    const { created, lines } = await importEntries(ctx.mutation, {
      text: input.text,
      scope: input.scope,
      floors: ctx.app.sourceFloors,
      geo: ctx.app.geo,
      validLinesOnly: input.validLinesOnly,
      createdById: ctx.actor.operatorId,
    });
    return { entries: created.map((entry) => entryView(entry, now)), lines: lines.map(lineView), skipped: lines.filter((line) => !line.ok).length };
  }),

  setExpiry: writeProcedure(z.strictObject({ entryId: idSchema, expiresAt: instantSchema.nullable() }))
    .mutation(async ({ ctx, input }) => entryView(await setEntryExpiry(ctx.mutation, input.entryId, input.expiresAt), ctx.app.now())),

  list: readProcedure(listInput.default({ limit: 100, includeExpired: false })).query(async ({ ctx, input }) => {
    const now = ctx.app.now();
    const { page, nextCursor, total } = await listEntries(ctx.app.prisma, ctx.access.tenantId, input, now);
    return { entries: page.map((row) => entryView(row, now)), nextCursor, total };
  }),
});
