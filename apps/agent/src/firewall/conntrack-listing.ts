// Reading what conntrack-tools and iproute2 print: the open flows (`conntrack -L -o extended`)
// and the host's own addresses (`ip -j address show`). Only the original direction of a flow
// matters here: who started it, and which of our ports it was sent to.
import { canonicalMember, type Protocol } from "@gatehouse/core";
import { z } from "zod";

export interface OpenFlow {
  family: 4 | 6;
  protocol: Protocol;
  /** Original direction: the address that started the flow and the one it was sent to. */
  source: string;
  destination: string;
  destinationPort: number;
}

const FAMILIES: Record<string, 4 | 6> = { ipv4: 4, ipv6: 6 };

/** The first `name=value` of a line is the original direction's; the reply's comes after it. */
function firstField(fields: string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return fields.find((field) => field.startsWith(prefix))?.slice(prefix.length);
}

function parseLine(line: string): OpenFlow | null {
  const fields = line.trim().split(/\s+/);
  const family = FAMILIES[fields[0] ?? ""];
  const protocol = fields[2];
  if (family === undefined || (protocol !== "tcp" && protocol !== "udp")) return null;
  const source = firstField(fields, "src");
  const destination = firstField(fields, "dst");
  const port = Number(firstField(fields, "dport"));
  if (source === undefined || destination === undefined || !Number.isInteger(port)) return null;
  try {
    return { family, protocol, source: canonicalMember(source), destination: canonicalMember(destination), destinationPort: port };
  } catch {
    return null;
  }
}

/** TCP and UDP flows of `conntrack -L -o extended`; other protocols and odd lines are skipped. */
export function parseConntrackListing(stdout: string): OpenFlow[] {
  const flows: OpenFlow[] = [];
  for (const line of stdout.split("\n")) {
    const flow = parseLine(line);
    if (flow !== null) flows.push(flow);
  }
  return flows;
}

const ipAddressSchema = z.array(z.object({ addr_info: z.array(z.object({ local: z.string().optional() })).optional() }));

/** Every address of every interface in `ip -j address show` (canonical text). */
export function parseLocalAddresses(stdout: string): Set<string> {
  const addresses = new Set<string>();
  for (const link of ipAddressSchema.parse(JSON.parse(stdout))) {
    for (const info of link.addr_info ?? []) {
      if (info.local === undefined) continue;
      try {
        addresses.add(canonicalMember(info.local));
      } catch {
        // Not an IP address (e.g. a peer of a point-to-point link written otherwise): not ours to match.
      }
    }
  }
  return addresses;
}
