// The service catalogue: what an allow entry opens on a PBX. Catalogue ids are fixed; operators
// add their own (one protocol + one port or range each), usable exactly like the catalogue's.
import { z } from "zod";
import { GatehouseError } from "./errors.ts";
import type { PortRange, ServiceDefinition, ServiceId } from "./model.ts";

const udp = (from: number, to = from): PortRange => ({ protocol: "udp", from, to });
const tcp = (from: number, to = from): PortRange => ({ protocol: "tcp", from, to });

export const ALL_SERVICES: ServiceId = "all";

export const SERVICE_CATALOGUE: readonly ServiceDefinition[] = Object.freeze([
  { id: "all", name: "All services (every protocol and port)", ports: [] },
  { id: "http", name: "HTTP", ports: [tcp(80)] },
  { id: "https", name: "HTTPS", ports: [tcp(443)] },
  { id: "iax2", name: "IAX2", ports: [udp(4569)] },
  { id: "ntp", name: "NTP", ports: [udp(123)] },
  { id: "rtp", name: "RTP media", ports: [udp(10000, 20000)] },
  { id: "sip", name: "SIP", ports: [udp(5060), tcp(5060)] },
  { id: "sip-tls", name: "SIP over TLS", ports: [tcp(5061)] },
  { id: "ssh", name: "SSH", ports: [tcp(22)] },
  { id: "tftp", name: "TFTP (phone provisioning)", ports: [udp(69)] },
  { id: "webrtc", name: "WebRTC (Asterisk WSS)", ports: [tcp(8089)] },
]);

const CATALOGUE_BY_ID: ReadonlyMap<ServiceId, ServiceDefinition> = new Map(
  SERVICE_CATALOGUE.map((service) => [service.id, service]),
);

/** Ids a custom service may not take: the catalogue's, and the compilers' own set groups. */
const RESERVED_IDS: ReadonlySet<string> = new Set([...CATALOGUE_BY_ID.keys(), "lan", "admin"]);

const port = z.number().int().min(1).max(65535);

/** An operator-defined service as stored (CustomService row): one protocol, one port range. */
/** The fields of a custom service, for inputs that add their own (an API's tenant id). */
export const customServiceShape = {
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,20}$/, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'")
    .refine((id) => !RESERVED_IDS.has(id), { message: "this service id is taken by the catalogue or the firewall (lan, admin)" }),
  name: z.string().trim().min(1, "a service needs a name").max(80),
  protocol: z.enum(["tcp", "udp"]),
  portFrom: port,
  portTo: port,
};

/** The refinement every custom-service input carries: `.refine(...portRangeInOrder)`. */
export const portRangeInOrder: [(service: { portFrom: number; portTo: number }) => boolean, { message: string; path: string[] }] = [
  (service) => service.portFrom <= service.portTo,
  { message: "the first port must not be above the last port", path: ["portTo"] },
];

export const customServiceSchema = z.strictObject(customServiceShape).refine(...portRangeInOrder);

export type CustomServiceInput = z.infer<typeof customServiceSchema>;

export function customServiceDefinition(service: CustomServiceInput): ServiceDefinition {
  return {
    id: service.id,
    name: service.name,
    ports: [{ protocol: service.protocol, from: service.portFrom, to: service.portTo }],
  };
}

/** The services of an entry: at least one, each once. Whether each id exists is lookupServices' job. */
export const serviceIdsSchema = z
  .array(z.string().min(1).max(21))
  .min(1, "choose at least one service")
  .refine((ids) => new Set(ids).size === ids.length, { message: "a service is listed twice" });

/** Definitions for `ids`, catalogue first, then `custom`. Throws BAD_INPUT naming unknown ids. */
export function lookupServices(ids: readonly ServiceId[], custom: readonly ServiceDefinition[]): ServiceDefinition[] {
  const customById = new Map(custom.map((service) => [service.id, service]));
  const unknown: string[] = [];
  const found: ServiceDefinition[] = [];
  for (const id of ids) {
    const service = CATALOGUE_BY_ID.get(id) ?? customById.get(id);
    if (service) found.push(service);
    else unknown.push(id);
  }
  if (unknown.length > 0) {
    throw new GatehouseError("BAD_INPUT", `unknown service${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      unknown,
    });
  }
  return found;
}
