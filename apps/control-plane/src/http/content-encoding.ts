// Which encoding a response body gets, from the request's Accept-Encoding (RFC 9110 §12.5.3):
// brotli when the client takes it, else gzip, else the bytes as they are. A coding with q=0 is
// refused, `*` stands for every coding not named, and `identity` is always acceptable unless
// refused by name or by `*;q=0` (then we still send it: a 406 for a console page helps nobody).
export type BodyEncoding = "br" | "gzip" | "identity";

/** Preference among codings with the same q: the smaller body first. */
const PREFERENCE: readonly BodyEncoding[] = ["br", "gzip"];

function weights(header: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    const coding = name.trim().toLowerCase();
    if (coding === "") continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    result.set(coding, Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0);
  }
  return result;
}

export function chooseEncoding(acceptEncoding: string | string[] | undefined): BodyEncoding {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : (acceptEncoding ?? "");
  const accepted = weights(header);
  const wildcard = accepted.get("*") ?? 0;
  let best: BodyEncoding = "identity";
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    const weight = accepted.get(coding) ?? wildcard;
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
