// The control plane's address as the operator gives it (`enroll --url`, agent.json's `url`): one
// base URL, a load balancer's or a replica's, or several replicas' separated by commas. All
// replicas share one database, so any of them serves this agent; the agent moves between them.
export type ReadUrls = { ok: true; urls: string[] } | { ok: false; problem: string };

function entryProblem(entry: string, index: number, count: number): string | null {
  const label = count > 1 ? `URL ${index + 1} of ${count}` : "the URL";
  const quoted = count > 1 ? `${JSON.stringify(entry)} (${label})` : JSON.stringify(entry);
  if (entry.length === 0) return `${label} is empty (a comma separates URLs)`;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `${quoted} is not a URL`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `${quoted} is not an http:// or https:// URL`;
  // Not echoed: it may hold a password. The agent authenticates with its credential, and URLs are logged.
  if (url.username !== "" || url.password !== "") return `${label} for ${url.host} carries a user name or password; give the base URL alone`;
  return null;
}

/** Splits and checks each URL; the first problem names the bad one and where it is in the list. */
export function readControlPlaneUrls(text: string): ReadUrls {
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => entry.length === 0)) return { ok: false, problem: "names no control-plane URL" };
  for (const [i, entry] of entries.entries()) {
    const problem = entryProblem(entry, i, entries.length);
    if (problem) return { ok: false, problem };
    if (entries.indexOf(entry) !== i) return { ok: false, problem: `${JSON.stringify(entry)} is listed twice` };
  }
  return { ok: true, urls: entries };
}

/** How a URL shows in logs and messages: scheme, host, port and path, nothing else. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/$/, "")}`;
}
