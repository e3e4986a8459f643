import { describe, expect, it } from "vitest";
import { isGatehouseError } from "./errors.ts";
import { parseImportLines, type ImportLine } from "./import-lines.ts";

const now = new Date("2026-06-01T12:00:00Z");
const parse = (text: string) => parseImportLines(text, { now });
const messages = (lines: ImportLine[]) => lines.map((l) => (l.ok ? "ok" : l.message));

describe("bulk import lines", () => {
  it("reads source, services, comment and expiry from pasted lines, skipping blanks, # comments and the CSV header", () => {
    const lines = parse("source,services,comment,expiry\n\n# trunks\n198.51.100.7, sip rtp, Bob at home, 7d\r\nSIP.Trunk.example., \"sip,rtp\", \"Trunk, primary\",\n203.0.113.0/28\tssh\tOffice\t2026-12-31\n");
    expect(lines.map((l) => [l.line, l.ok])).toEqual([[4, true], [5, true], [6, true]]);
    const drafts = lines.map((l) => (l.ok ? { source: l.draft.source.canonical, services: l.draft.services, comment: l.draft.comment, expiresAt: l.draft.expiresAt?.toISOString() ?? null } : null));
    expect(drafts).toEqual([
      { source: "198.51.100.7", services: ["sip", "rtp"], comment: "Bob at home", expiresAt: "2026-06-08T12:00:00.000Z" },
      { source: "sip.trunk.example", services: ["sip", "rtp"], comment: "Trunk, primary", expiresAt: null },
      { source: "203.0.113.0/28", services: ["ssh"], comment: "Office", expiresAt: "2026-12-31T00:00:00.000Z" },
    ]);
  });

  it("each bad line keeps its own message, the source parser's word for word", () => {
    const lines = parse(["198.51.100.300, sip", "198.51.100.8", "198.51.100.9, sip, x, yesterday", "198.51.100.10, sip, x, 2020-01-01", "0.0.0.0/0, all", "198.51.100.11, sip;ssh, a, b, c", "198.51.100.12, s!p", '198.51.100.13, "sip'].join("\n"));
    expect(messages(lines)).toEqual([
      "198.51.100.300 is not an IPv4 address: octet 4 is 300",
      "no services: name them (e.g. sip rtp), or write all to open every port",
      'expiry "yesterday": give a duration like 30m, 12h, 7d, 2w, an ISO date like 2026-12-31, or leave it empty',
      'expiry "2020-01-01" is not in the future',
      expect.stringContaining("0.0.0.0/0"),
      '5 fields where at most 4 are read (source, services, comment, expiry); put a comment with commas in "double quotes"',
      '"s!p" is not a service id (like sip, rtp, ssh)',
      'a quoted field is not closed (a " is missing)',
    ]);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("a source given twice is refused on its second line, in canonical form", () => {
    expect(messages(parse("198.51.100.7, sip\n203.0.113.9, ssh\n198.51.100.7/32, rtp"))).toEqual(["ok", "ok", "198.51.100.7 is already on line 1"]);
  });

  it("an empty or oversized import is refused as a whole", () => {
    for (const text of ["", "\n# only a comment\n", "source,services,comment,expiry\n", "198.51.100.7, sip\n".repeat(5_001)]) {
      let refused: unknown;
      try {
        parse(text);
      } catch (error) {
        refused = error;
      }
      expect(isGatehouseError(refused, "BAD_INPUT")).toBe(true);
    }
  });
});
