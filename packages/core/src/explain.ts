// "Why is this address allowed on this server, or why not?": the stored intent that covers one
// server, matched against one address. The same scope, expiry and unknown-service rules as
// effectiveStateForServer, so the answer is what the server's desired state makes of it; an FQDN
// entry matches by the addresses the agent last reported for it (the control plane never
// resolves names itself), and the answer says so. A country entry matches when the control
// plane's geo database places the address in that country (`countryOf`).
import ipaddr from "ipaddr.js";
import { effectiveStateForServer, entryCoversServer, normaliseServiceIds, type ScopedEntry, type ServerForState } from "./desired-state.ts";
import { entryScopeOf, type EntryScope } from "./entry-scope.ts";
import { countryCodeOf } from "./country.ts";
import type { ServiceDefinition, ServiceId, SourceKind } from "./model.ts";
import { ALL_SERVICES, SERVICE_CATALOGUE } from "./services.ts";
import { parseObservedAddress } from "./source.ts";

type ExplainOrigin = "OPERATOR" | "PROVIDER" | "TRAVELER";

/** An allow entry row as the explanation needs it (a preset's host is one too, see `preset`). */
export interface ExplainEntry extends ScopedEntry {
  id: string;
  origin: ExplainOrigin;
  comment: string;
  /** Set for a traveler's grant. */
  travelerGrantId: string | null;
  /** Set when this entry stands for a host of an enabled provider preset. */
  preset: { id: string; name: string } | null;
}

export interface FqdnAnswerSeen {
  addresses: readonly string[];
  resolvedAt: Date;
}

export interface ExplainInput {
  server: ServerForState;
  /** The entries (and enabled presets' hosts) whose scope may cover the server, expired ones too. */
  entries: readonly ExplainEntry[];
  customServices: readonly ServiceDefinition[];
  /** The agent's last reported answer per FQDN. */
  fqdnAnswers: ReadonlyMap<string, FqdnAnswerSeen>;
  /** One address as typed; parsed here by the one source parser. */
  address: string;
  now: Date;
  /** The country the geo database places a canonical address in (null: none, or no database). */
  countryOf?: (address: string) => string | null;
}

/** How an FQDN source matched: through the agent's answer of that time. */
interface ViaFqdn {
  fqdn: string;
  resolvedAt: Date;
}

type Allowance =
  | {
      kind: "entry";
      entryId: string;
      origin: ExplainOrigin;
      travelerGrantId: string | null;
      scope: EntryScope;
      source: string;
      comment: string;
      services: ServiceId[];
      expiresAt: Date | null;
      via: ViaFqdn | null;
    }
  | { kind: "preset"; presetId: string; name: string; source: string; services: ServiceId[]; via: ViaFqdn | null }
  | { kind: "lan"; range: string; services: ServiceId[] }
  | { kind: "primaryAdmin"; source: string; services: ServiceId[]; via: ViaFqdn | null }
  | { kind: "mediaOpenToAll"; services: ServiceId[] };

interface ServiceVerdict {
  service: ServiceId;
  name: string;
  /** Indexes into Explanation.allows. */
  allowedBy: number[];
  /** The latest end of any allowance; null = without end (or nothing allows it). */
  until: Date | null;
}

export interface Explanation {
  /** The address, canonical. */
  address: string;
  /** True: nothing allows it (RTP open to all aside): the base policy drops it, silently. */
  dropped: boolean;
  allows: Allowance[];
  /** Every service the server's firewall knows, and what allows the address for it. */
  services: ServiceVerdict[];
  /** Entries that would match but have expired (a traveler's ended grant). */
  expired: Array<{ entryId: string; source: string; expiresAt: Date }>;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Whether `address` lies in the canonical IP/CIDR `source` (other families never match). */
function sourceContains(source: string, address: Address): boolean {
  let network: Address;
  let prefix: number;
  try {
    if (source.includes("/")) [network, prefix] = ipaddr.parseCIDR(source);
    else [network, prefix] = [ipaddr.parse(source), source.includes(":") ? 128 : 32];
  } catch {
    return false; // not an address (an unparsable stored answer): it contains nothing
  }
  return network.kind() === address.kind() && address.match(network, prefix);
}

interface AddressSeen {
  address: Address;
  /** The address's country by the geo database, asked once per explanation. */
  country: string | null;
}

/** How `source` (an IP, a CIDR, a country, or an FQDN with its answers) matches `seen`; null if it does not. */
function matchSource(source: string, kind: SourceKind, seen: AddressSeen, answers: ReadonlyMap<string, FqdnAnswerSeen>): { via: ViaFqdn | null } | null {
  const { address } = seen;
  if (kind === "ip") return sourceContains(source, address) ? { via: null } : null;
  if (kind === "country") return seen.country !== null && countryCodeOf(source) === seen.country ? { via: null } : null;
  const answer = answers.get(source);
  if (answer === undefined || !answer.addresses.some((seen) => sourceContains(seen, address))) return null;
  return { via: { fqdn: source, resolvedAt: answer.resolvedAt } };
}

function allowanceOf(entry: ExplainEntry, services: ServiceId[], via: ViaFqdn | null): Allowance {
  if (entry.preset !== null) return { kind: "preset", presetId: entry.preset.id, name: entry.preset.name, source: entry.source, services, via };
  const { id: entryId, origin, travelerGrantId, source, comment, expiresAt } = entry;
  return { kind: "entry", entryId, origin, travelerGrantId, scope: entryScopeOf(entry), source, comment, services, expiresAt, via };
}

function baseAllowances(server: ServerForState, seen: AddressSeen, answers: ReadonlyMap<string, FqdnAnswerSeen>): Allowance[] {
  const allows: Allowance[] = [];
  for (const range of server.lanRanges) if (sourceContains(range, seen.address)) allows.push({ kind: "lan", range, services: [ALL_SERVICES] });
  const admin = server.primaryAdminSource;
  if (admin !== null) {
    const matched = matchSource(admin, /^[0-9a-f:./]+$/i.test(admin) ? "ip" : "fqdn", seen, answers);
    if (matched) allows.push({ kind: "primaryAdmin", source: admin, services: [ALL_SERVICES], via: matched.via });
  }
  if (server.mediaOpenToAll) allows.push({ kind: "mediaOpenToAll", services: ["rtp"] });
  return allows;
}

function untilOf(allows: readonly Allowance[]): Date | null {
  let latest: Date | null = null;
  for (const allow of allows) {
    if (allow.kind !== "entry" || allow.expiresAt === null) return null;
    if (latest === null || allow.expiresAt > latest) latest = allow.expiresAt;
  }
  return latest;
}

/** Throws GatehouseError("BAD_INPUT") when `input.address` is not one IP address. */
export function explainAddress(input: ExplainInput): Explanation {
  const { server, now } = input;
  const canonical = parseObservedAddress(input.address).canonical;
  const seen: AddressSeen = { address: ipaddr.parse(canonical), country: input.countryOf?.(canonical) ?? null };
  const known = new Set<ServiceId>([ALL_SERVICES, ...SERVICE_CATALOGUE.map((service) => service.id), ...input.customServices.map((service) => service.id)]);

  const allows = baseAllowances(server, seen, input.fqdnAnswers);
  const expired: Explanation["expired"] = [];
  for (const entry of input.entries) {
    if (!entryCoversServer(entry, server)) continue;
    const matched = matchSource(entry.source, entry.kind, seen, input.fqdnAnswers);
    if (matched === null) continue;
    if (entry.expiresAt !== null && entry.expiresAt.getTime() <= now.getTime()) {
      expired.push({ entryId: entry.id, source: entry.source, expiresAt: entry.expiresAt });
      continue;
    }
    const services = normaliseServiceIds(entry.services.filter((id) => known.has(id)));
    if (services.length > 0) allows.push(allowanceOf(entry, services, matched.via));
  }
  return { address: canonical, dropped: allows.every((allow) => allow.kind === "mediaOpenToAll"), allows, services: serviceVerdicts(allows, input), expired };
}

function serviceVerdicts(allows: readonly Allowance[], input: ExplainInput): ServiceVerdict[] {
  const ids = new Set<ServiceId>(allows.flatMap((allow) => allow.services));
  const names = new Map<ServiceId, string>();
  for (const service of effectiveStateForServer(input).services) {
    ids.add(service.id);
    names.set(service.id, service.name);
  }
  return [...ids].sort().map((service) => {
    const indexes = allows.flatMap((allow, index) => (allow.services.includes(service) || allow.services.includes(ALL_SERVICES) ? [index] : []));
    return { service, name: service === ALL_SERVICES ? "every service" : (names.get(service) ?? service), allowedBy: indexes, until: untilOf(indexes.map((index) => allows[index] as Allowance)) };
  });
}

export interface KernelVerdict {
  service: ServiceId;
  /** What the stored intent says (the explanation). */
  stored: boolean;
  /** What the agent says its kernel sets hold. */
  kernel: boolean;
}

/** "lan", "admin" and "all" allow every service (plan.ts EVERYTHING_GROUPS). */
const EVERYTHING = ["lan", "admin", "all"];

/**
 * Per service, whether the agent's kernel answer (`present` per source group) allows the address
 * as the stored intent does. RTP open to all is a port rule, not a set, so it counts as allowed.
 */
export function kernelVerdicts(explanation: Explanation, present: ReadonlyMap<string, boolean>): KernelVerdict[] {
  const inAny = (groups: readonly string[]) => groups.some((group) => present.get(group) === true);
  const mediaOpen = explanation.allows.some((allow) => allow.kind === "mediaOpenToAll");
  return explanation.services.map(({ service, allowedBy }) => ({
    service,
    stored: allowedBy.length > 0,
    kernel: inAny(EVERYTHING) || (service !== ALL_SERVICES && (present.get(service) === true || (service === "rtp" && mediaOpen))),
  }));
}
