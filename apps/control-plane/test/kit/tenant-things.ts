// One tenant's things for table-driven API tests (every procedure, every id kind): operators,
// an API token, an entry, a custom service, a preset switch, a traveler and a grant, and
// clients signed in as that tenant's admin and viewer.
import type { Api } from "./clients.ts";
import type { PlaneUnderTest } from "./plane.ts";

export const OPERATOR_PASSWORD = "a long enough password";
const password = OPERATOR_PASSWORD;

export interface Things {
  tenantId: string;
  serverId: string;
  entryId: string;
  operatorId: string;
  tokenId: string;
  customServiceId: string;
  presetEnablementId: string;
  travelerId: string;
  grantId: string;
}

/** Calls a procedure by its path, the way any HTTP client could. */
export function call(api: Api, path: string, type: "query" | "mutation", input: unknown): Promise<unknown> {
  const node = path.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], api) as Record<string, (input: unknown) => Promise<unknown>>;
  return type === "query" ? node.query!(input) : node.mutate!(input);
}

/** Operators, a token, an entry, a custom service and a preset switch of one tenant. */
export async function seedTenantThings(test: PlaneUnderTest, tenantId: string, serverId: string, prefix: string): Promise<{ things: Things; adminApi: Api; viewerApi: Api }> {
  const { admin } = test;
  await admin.operators.create.mutate({ email: `${prefix}-admin@example.net`, name: `${prefix} admin`, password, role: "TENANT_ADMIN", tenantId });
  const viewer = await admin.operators.create.mutate({ email: `${prefix}-viewer@example.net`, name: `${prefix} viewer`, password, role: "VIEWER", tenantId });
  const adminApi = await test.signIn(`${prefix}-admin@example.net`, password);
  const viewerApi = await test.signIn(`${prefix}-viewer@example.net`, password);
  const token = await adminApi.apiTokens.create.mutate({ name: "script" });
  const entry = await admin.entries.add.mutate({ source: prefix === "a" ? "198.51.100.1" : "198.51.100.2", services: ["sip"], scope: { kind: "SERVER", serverId } });
  const service = await admin.customServices.create.mutate({ id: `${prefix}-fax`, name: "Fax", protocol: "udp", portFrom: 9000, portTo: 9000, tenantId });
  const enablement = await admin.presets.enable.mutate({ presetId: "voip-ms", tenantId });
  // Travelers straight into the database: the rows only need something to name.
  const traveler = await test.db.prisma.traveler.create({ data: { tenantId, accountNumber: prefix === "a" ? "100001" : "100002", pinHash: "x", name: `${prefix} traveler`, email: `${prefix}-traveler@example.net` } });
  const grant = await test.db.prisma.travelerGrant.create({ data: { travelerId: traveler.id, address: "203.0.113.7", channel: "OPERATOR", expiresAt: new Date(Date.now() + 3_600_000) } });
  return {
    things: {
      tenantId,
      serverId,
      entryId: entry.id,
      operatorId: viewer.id,
      tokenId: token.id,
      customServiceId: service.id,
      presetEnablementId: enablement.id,
      travelerId: traveler.id,
      grantId: grant.id,
    },
    adminApi,
    viewerApi,
  };
}

