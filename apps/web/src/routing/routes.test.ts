import { describe, expect, it } from "vitest";
import { hrefFor, parseRoute, type Route } from "./routes.ts";

describe("console addresses", () => {
  it("every page's address leads back to that page", () => {
    const routes: Route[] = [
      { page: "fleet" },
      { page: "server", serverId: "9c11daa9-56c6-4915-b243-b168ca5d169c" },
      { page: "new-server" },
      { page: "allowlist" },
      { page: "knocks", tenantId: null, serverId: null },
      { page: "knocks", tenantId: "5b0e2f4c-1d7a-4c1e-9a51-3f2b8c6d7e90", serverId: "9c11daa9-56c6-4915-b243-b168ca5d169c" },
      { page: "presets" },
      { page: "services" },
      { page: "travelers" },
      { page: "audit" },
      { page: "operators" },
      { page: "tokens" },
      { page: "account" },
      { page: "invite", token: "GRrtz1wXLapb3beDI2O8GNUtT0luoIrVj9VSUSY4nK0" },
      { page: "tenants" },
    ];
    for (const route of routes) expect(parseRoute(hrefFor(route))).toEqual(route);
  });

  it("an empty address is the fleet, and an unknown one is named as not found", () => {
    expect(parseRoute("")).toEqual({ page: "fleet" });
    expect(parseRoute("#/fleet")).toEqual({ page: "fleet" });
    expect(parseRoute("#/servers/a/b")).toEqual({ page: "not-found", path: "/servers/a/b" });
  });
});
