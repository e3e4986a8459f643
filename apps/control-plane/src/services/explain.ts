// `gatehouse explain`: what the stored intent says about one address on one server (core's
// explainAddress over the server's entries, enabled presets and the agent's FQDN answers), and
// what the server's agent says its kernel sets hold, asked live through the hub with a bounded
// wait. The agent's answer is shown as its claim: a compromised agent can lie about its own
// server, never about another (hub/set-lookups.ts).
import { explainAddress, kernelVerdicts, type ExplainEntry, type Explanation, type FqdnAnswerSeen, type KernelVerdict } from "@gatehouse/core/explain";
import { parseSource } from "@gatehouse/core";
import type { Db } from "@gatehouse/db";
import type { ControlPlaneApp } from "../app.ts";
import type { LiveSetLookup } from "../hub/set-lookups.ts";
import { entriesCoveringServer, visibleCustomServices } from "./desired-state.ts";
import { storedSourceKind } from "./source-kind.ts";

/** How long the API waits for the agent's kernel answer. */
const LIVE_LOOKUP_TIMEOUT_MS = 3_000;
/** Expired entries younger than this are named as expired (a traveler's grant that just ended). */
const EXPIRED_SHOWN_MS = 7 * 24 * 3600_000;

export interface ServerExplanation {
  server: { id: string; name: string };
  explanation: Explanation;
  /**
   * The agent's claim about its kernel sets, or why it was not asked or did not answer;
   * "other-replica": its agent is connected to another control-plane replica, not asked from here.
   */
  live: (LiveSetLookup | { status: "other-replica" }) & { verdicts: KernelVerdict[] | null; agrees: boolean | null };
}

async function explainEntries(prisma: Db, server: { id: string; tenantId: string; tags: string[] }, now: Date): Promise<ExplainEntry[]> {
  const rows = await prisma.allowEntry.findMany({
    where: { AND: [entriesCoveringServer(server), { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(now.getTime() - EXPIRED_SHOWN_MS) } }] }] },
    select: { id: true, source: true, sourceKind: true, services: true, scope: true, tenantId: true, groupName: true, serverId: true, expiresAt: true, origin: true, comment: true, travelerGrantId: true },
  });
  return rows.map(({ sourceKind, ...row }) => ({ ...row, kind: storedSourceKind(sourceKind), preset: null }));
}

async function presetEntries(prisma: Db, server: { id: string; tenantId: string }): Promise<ExplainEntry[]> {
  const enablements = await prisma.presetEnablement.findMany({
    where: { tenantId: server.tenantId, OR: [{ serverId: null }, { serverId: server.id }] },
    select: { id: true, serverId: true, preset: { select: { id: true, name: true, hosts: true, services: true } } },
  });
  return enablements.flatMap(({ id, serverId, preset }) =>
    preset.hosts.flatMap((host): ExplainEntry[] => {
      let parsed;
      try {
        parsed = parseSource(host);
      } catch {
        return []; // as the desired state does: a bad seeded host is left out
      }
      const scope = serverId === null ? "TENANT" : "SERVER";
      return [{ id, source: parsed.canonical, kind: parsed.kind, services: preset.services, scope, tenantId: server.tenantId, groupName: null, serverId, expiresAt: null, origin: "PROVIDER", comment: "", travelerGrantId: null, preset: { id: preset.id, name: preset.name } }];
    }),
  );
}

async function fqdnAnswers(prisma: Db, serverId: string): Promise<Map<string, FqdnAnswerSeen>> {
  const rows = await prisma.fqdnAnswer.findMany({ where: { serverId }, select: { fqdn: true, addresses: true, resolvedAt: true } });
  return new Map(rows.map((row) => [row.fqdn, { addresses: row.addresses, resolvedAt: row.resolvedAt }]));
}

async function liveLookup(app: ControlPlaneApp, server: { id: string; connectedReplicaId: string | null }, explanation: Explanation): Promise<ServerExplanation["live"]> {
  const live = app.agents ? await app.agents.lookupSets(server.id, explanation.address, LIVE_LOOKUP_TIMEOUT_MS) : ({ status: "offline" } as const);
  if (live.status === "offline" && server.connectedReplicaId !== null && server.connectedReplicaId !== app.replica.id) return { status: "other-replica", verdicts: null, agrees: null };
  if (live.status !== "answered" || live.error !== null) return { ...live, verdicts: null, agrees: null };
  const verdicts = kernelVerdicts(explanation, new Map(live.groups.map((group) => [group.group, group.present])));
  return { ...live, verdicts, agrees: verdicts.every((verdict) => verdict.stored === verdict.kernel) };
}

/** Null when the server does not exist (the access check ran first). */
export async function explainOnServer(app: ControlPlaneApp, serverId: string, address: string): Promise<ServerExplanation | null> {
  const { prisma } = app;
  const now = app.now();
  const server = await prisma.server.findUnique({
    where: { id: serverId },
    select: { id: true, name: true, tenantId: true, tags: true, primaryAdminSource: true, lanRanges: true, mediaOpenToAll: true, revokedAt: true, connectedReplicaId: true },
  });
  if (server === null) return null;
  const [entries, presets, customServices, answers] = await Promise.all([explainEntries(prisma, server, now), presetEntries(prisma, server), visibleCustomServices(prisma, server.tenantId), fqdnAnswers(prisma, server.id)]);
  const all = [...entries, ...presets];
  // The database loads on first use: only an explanation with a country entry waits for it.
  const geo = all.some((entry) => entry.kind === "country") ? await app.geo.database() : null;
  const countryOf = geo === null ? undefined : (seen: string) => geo.lookup(seen).country;
  const explanation = explainAddress({ server, entries: all, customServices, fqdnAnswers: answers, address, now, ...(countryOf ? { countryOf } : {}) });
  const live = server.revokedAt === null ? await liveLookup(app, server, explanation) : { status: "offline" as const, verdicts: null, agrees: null };
  return { server: { id: server.id, name: server.name }, explanation, live };
}
