// Which country codes an entry may name: those the loaded geo database has networks for (core's
// parser checks only the shape). Asked where entries are added, imported and previewed; the
// database loads on the first such call.
import { GatehouseError, type ParsedCountry } from "@gatehouse/core";
import type { GeoService } from "../geo.ts";

const codesOf = new WeakMap<GeoService, Promise<ReadonlySet<string>>>();

/** Codes people write that ISO spells otherwise. */
const ISO_SPELLING: Readonly<Record<string, string>> = { UK: "GB", EL: "GR" };

/** The codes of the geo database; refuses (and writes nothing) when it cannot be read. */
export async function knownCountryCodes(geo: GeoService): Promise<ReadonlySet<string>> {
  let codes = codesOf.get(geo);
  if (codes === undefined) {
    codes = geo.database().then((database) => {
      if (database === null) throw new GatehouseError("BAD_INPUT", "the control plane cannot read its geo database (see its log), so no country entry can be added now", { field: "source" });
      return new Set(database.countryCodes());
    });
    codesOf.set(geo, codes);
    codes.catch(() => codesOf.delete(geo));
  }
  return codes;
}

/** Why `code` cannot be allowed, or null when the database knows it. */
export function unknownCountryProblem(codes: ReadonlySet<string>, source: string, code: string): string | null {
  if (codes.has(code)) return null;
  const iso = ISO_SPELLING[code];
  const hint = iso !== undefined && codes.has(iso) ? `did you mean country:${iso}?` : "write its ISO 3166-1 alpha-2 code, like country:CA or country:US";
  return `${source}: the geo database has no country ${code}; ${hint}`;
}

/** Refuses a country the geo database does not know, on the `source` field. */
export async function checkCountryKnown(geo: GeoService, parsed: ParsedCountry): Promise<void> {
  const problem = unknownCountryProblem(await knownCountryCodes(geo), parsed.canonical, parsed.country);
  if (problem !== null) throw new GatehouseError("BAD_INPUT", problem, { field: "source" });
}
