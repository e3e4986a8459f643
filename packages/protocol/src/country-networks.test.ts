import { describe, expect, it } from "vitest";
import { encodeMessage, MAX_COUNTRY_NETWORKS, MAX_HUB_MESSAGE_BYTES, parseAgentMessage, parseHubMessage } from "./index.ts";

const request = { type: "country-networks-request", country: "CA", version: "geo-whois-asn-country@2.3.2026061719+asn@2.3.2026061719" } as const;

/** n distinct IPv6 networks of 42 characters, as long as a canonical CIDR gets. */
function networks(n: number): string[] {
  const hex = (value: number) => value.toString(16).padStart(4, "a");
  return Array.from({ length: n }, (_, index) => `2001:db8:${hex(index >> 16)}:${hex(index & 0xffff)}:cccc:dddd:eeee:ff00/120`);
}

describe("a country's networks, asked by the agent and answered by the hub", () => {
  it("the request names one upper-case code and a version, nothing else", () => {
    expect(parseAgentMessage(encodeMessage(request))).toEqual({ ok: true, message: request });
    expect(parseAgentMessage(JSON.stringify({ ...request, country: "ca" })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ ...request, version: "../../etc/passwd" })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ ...request, version: ".." })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ ...request, path: "/tmp" })).ok).toBe(false);
  });

  it("a US-sized answer (100k networks) passes the hub-message limit that holds other small messages to 4 KB", () => {
    const answer = { type: "country-networks", country: "US", version: request.version, networks: networks(100_000) } as const;
    const encoded = encodeMessage(answer);
    expect(encoded.length).toBeGreaterThan(1024 * 1024);
    const parsed = parseHubMessage(encoded);
    expect(parsed.ok && parsed.message.type === "country-networks" && parsed.message.networks.length).toBe(100_000);
  });

  it("the largest answer allowed fits the agent's 16 MB limit, and one more network is refused", () => {
    const largest = encodeMessage({ type: "country-networks", country: "US", version: request.version, networks: networks(MAX_COUNTRY_NETWORKS) });
    expect(largest.length).toBeLessThan(MAX_HUB_MESSAGE_BYTES);
    expect(parseHubMessage(largest).ok).toBe(true);
    expect(parseHubMessage(JSON.stringify({ type: "country-networks", country: "US", version: request.version, networks: networks(MAX_COUNTRY_NETWORKS + 1) })).ok).toBe(false);
  });
});
