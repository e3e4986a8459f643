// Hash routes (#/servers/<id>) keep the console a set of static files: the control plane
// serves index.html once and never needs a fallback route for deep links.

export type Route =
  | { page: "fleet" }
  | { page: "server"; serverId: string }
  | { page: "new-server" }
  | { page: "allowlist" }
  /** Blocked attempts: of one tenant's servers together, or of one server (the query string). */
  | { page: "knocks"; tenantId: string | null; serverId: string | null }
  | { page: "presets" }
  | { page: "services" }
  | { page: "travelers" }
  | { page: "audit" }
  | { page: "alerts" }
  | { page: "tenants" }
  | { page: "operators" }
  | { page: "tokens" }
  | { page: "account" }
  /** An invitation link: the token stays in the fragment, which the browser never sends. */
  | { page: "invite"; token: string }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\?.*$/, "") || "/";
  const parts = path.split("/").filter(Boolean);
  const [first, second] = parts;
  if (parts.length === 0 || (first === "fleet" && parts.length === 1)) return { page: "fleet" };
  if (first === "knocks" && parts.length === 1) {
    const query = new URLSearchParams(hash.replace(/^[^?]*\??/, ""));
    return { page: "knocks", tenantId: query.get("tenant") || null, serverId: query.get("server") || null };
  }
  if (first === "servers" && second === "new" && parts.length === 2) return { page: "new-server" };
  if (first === "servers" && second && parts.length === 2) return { page: "server", serverId: decodeURIComponent(second) };
  if (parts.length === 1 && (first === "allowlist" || first === "presets" || first === "travelers" || first === "audit" || first === "tenants")) {
    return { page: first };
  }
  if (parts.length === 1 && (first === "operators" || first === "tokens" || first === "account")) return { page: first };
  if (parts.length === 1 && first === "alerts") return { page: "alerts" };
  if (parts.length === 1 && first === "services") return { page: "services" };
  if (first === "invite" && second && parts.length === 2) return { page: "invite", token: second };
  return { page: "not-found", path };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case "fleet":
      return "#/";
    case "server":
      return `#/servers/${encodeURIComponent(route.serverId)}`;
    case "new-server":
      return "#/servers/new";
    case "knocks": {
      const query = new URLSearchParams();
      if (route.tenantId) query.set("tenant", route.tenantId);
      if (route.serverId) query.set("server", route.serverId);
      const text = query.toString();
      return text ? `#/knocks?${text}` : "#/knocks";
    }
    case "invite":
      return `#/invite/${route.token}`;
    case "not-found":
      return `#${route.path}`;
    default:
      return `#/${route.page}`;
  }
}
