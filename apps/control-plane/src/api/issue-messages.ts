// zod's own messages ("Too big: expected string to have <=300 characters") are written for
// developers. Every client (console, CLI, scripts) shows the API's message as it comes, so the
// API says it in words instead: the field by name and the limit ("Comment is too long: at most
// 300 characters"). A message a schema wrote itself ("a PIN is 4 to 12 digits") or a parser's
// custom issue is already in words and stays as written.
import { z } from "zod";

const english = z.locales.en();

/** The parts of a zod issue this module reads (zod's own issue types are a union of these). */
export interface ZodIssueLike {
  code?: string;
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
  format?: string;
  keys?: readonly string[];
  values?: readonly unknown[];
}

function zodDefaultMessage(issue: ZodIssueLike): string | undefined {
  try {
    const message = english.localeError(issue as Parameters<typeof english.localeError>[0]);
    return typeof message === "string" ? message : message?.message;
  } catch {
    return undefined;
  }
}

/** "grantLifetimeHours" -> "grant lifetime hours", "tenantId" -> "tenant". */
/** Words that are abbreviations, written as people write them. */
const ABBREVIATIONS: Record<string, string> = { pin: "PIN", url: "URL", did: "DID", ip: "IP", lan: "LAN", agi: "AGI", csv: "CSV", fqdn: "FQDN" };

function words(key: string): string {
  const spaced = key.replace(/Ids?$/, (id) => (id === "Ids" ? "s" : "")).replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.split(" ").map((word) => ABBREVIATIONS[word] ?? word).join(" ");
}

/** The field an issue is about, as a person names it: "Comment", "Services (item 2)". */
export function fieldName(path: ZodIssueLike["path"]): string {
  const parts = (path ?? []).map((part) => (typeof part === "object" ? part.key : part));
  const names = parts.filter((part): part is string => typeof part === "string");
  const index = parts.findLast((part) => typeof part === "number");
  const last = names[names.length - 1];
  if (last === undefined) return "The request";
  const name = words(last);
  const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
  return typeof index === "number" && parts.indexOf(index) > parts.indexOf(last) ? `${capitalised} (item ${index + 1})` : capitalised;
}

const UNIT: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  file: ["byte", "bytes"],
};

function counted(limit: number | bigint, origin: string | undefined): string {
  const unit = origin ? UNIT[origin] : undefined;
  if (!unit) return String(limit);
  return `${limit} ${limit === 1 || limit === 1n ? unit[0] : unit[1]}`;
}

function sizeMessage(field: string, issue: ZodIssueLike, tooBig: boolean): string {
  const limit = (tooBig ? issue.maximum : issue.minimum) ?? 0;
  const inclusive = issue.inclusive !== false;
  const origin = issue.origin;
  if (origin === "string" || origin === "array" || origin === "set") {
    if (!tooBig && Number(limit) === 1) return origin === "string" ? `${field} is empty` : `${field} needs at least one item`;
    const what = origin === "string" ? (tooBig ? "is too long" : "is too short") : tooBig ? "has too many items" : "has too few items";
    return `${field} ${what}: ${tooBig ? "at most" : "at least"} ${counted(limit, origin === "string" ? origin : undefined)}`;
  }
  if (origin === "date") return `${field} must be ${tooBig ? "before" : "after"} ${String(limit)}`;
  const bound = tooBig ? (inclusive ? "at most" : "less than") : inclusive ? "at least" : "more than";
  return `${field} must be ${bound} ${String(limit)}`;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a set of fields",
  date: "a date",
  bigint: "a whole number",
};

const FORMAT: Record<string, string> = {
  email: "is not an e-mail address",
  uuid: "is not a valid id (ids come from the lists, they are not typed)",
  guid: "is not a valid id (ids come from the lists, they are not typed)",
  url: "is not a URL",
  datetime: "is not a date and time (like 2026-12-01T14:30:00Z)",
  date: "is not a date (like 2026-12-01)",
  ipv4: "is not an IPv4 address",
  ipv6: "is not an IPv6 address",
  regex: "is not in the expected form",
};

function describe(issue: ZodIssueLike, field: string): string | null {
  switch (issue.code) {
    case "too_big":
      return sizeMessage(field, issue, true);
    case "too_small":
      return sizeMessage(field, issue, false);
    case "invalid_type":
      if (/received undefined$/.test(issue.message)) return `${field} is missing`;
      return `${field} must be ${EXPECTED[issue.expected ?? ""] ?? issue.expected ?? "something else"}`;
    case "invalid_format":
      return `${field} ${FORMAT[issue.format ?? ""] ?? `is not a valid ${issue.format ?? "value"}`}`;
    case "invalid_value":
      return `${field} must be one of: ${(issue.values ?? []).map(String).join(", ")}`;
    case "unrecognized_keys": {
      const keys = issue.keys ?? [];
      const owner = field === "The request" ? "This request" : field;
      return `${owner} does not take the field${keys.length === 1 ? "" : "s"} ${keys.join(", ")}`;
    }
    case "not_multiple_of":
      return `${field} is not a step the field allows`;
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
      return `${field} is not valid`;
    default:
      return null;
  }
}

/**
 * Whether zod wrote this message itself. Its invalid_type message names the received type,
 * which zod computes from the input it does not keep in the issue: compare up to there.
 */
function isZodDefault(issue: ZodIssueLike): boolean {
  const fallback = zodDefaultMessage(issue);
  if (fallback === undefined) return false;
  if (issue.code !== "invalid_type") return issue.message === fallback;
  return issue.message.replace(/received .*$/, "") === fallback.replace(/received .*$/, "");
}

/** The issue in words when its message is zod's default; null when a schema wrote its own. */
export function humanIssueMessage(issue: ZodIssueLike): string | null {
  if (issue.code === "custom" || !isZodDefault(issue)) return null;
  return describe(issue, fieldName(issue.path));
}
