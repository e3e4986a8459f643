import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import { parsePresetHosts, storedPresetHost } from "./preset-hosts.ts";
import { PROVIDER_PRESETS } from "./provider-presets.ts";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return (error as GatehouseError).message;
  }
  throw new Error("not refused");
}

describe("a preset's hosts", () => {
  it("are canonicalised by the source parser and say where their addresses come from", () => {
    expect(parsePresetHosts([" SIP.Example.NET ", "198.51.100.7", "203.0.113.0/24", "srv:Example.org"])).toEqual(["sip.example.net", "198.51.100.7", "203.0.113.0/24", "srv:example.org"]);
    expect(["sip.example.net", "198.51.100.7", "203.0.113.0/24", "srv:example.org"].map((host) => storedPresetHost(host).origin)).toEqual(["dns", "address", "network", "srv"]);
  });

  it("refuse a bad host with the parser's own words and its place in the list, a host twice, none, and over-broad ranges", () => {
    expect(refusal(() => parsePresetHosts(["sip.example.net", "198.51.100.300"]))).toMatch(/^host 2: 198\.51\.100\.300 is not an IPv4 address/);
    expect(refusal(() => parsePresetHosts(["sip.example.net", "SIP.example.net"]))).toBe("sip.example.net is listed twice");
    expect(refusal(() => parsePresetHosts([]))).toBe("a preset needs at least one host");
    expect(refusal(() => parsePresetHosts(["0.0.0.0/0"]))).toMatch(/^host 1: /);
    expect(refusal(() => parsePresetHosts(["198.51.0.0/16"], { ipv4Floor: 20 }))).toMatch(/^host 1: /);
  });

  it("every shipped preset names the provider's page and where its hosts come from", () => {
    for (const preset of PROVIDER_PRESETS) {
      expect(new URL(preset.sourceUrl).protocol).toBe("https:");
      expect(preset.sourceNote.length).toBeGreaterThan(20);
      expect(parsePresetHosts(preset.hosts)).toEqual(preset.hosts);
    }
    expect(PROVIDER_PRESETS.map((preset) => preset.id)).toEqual(expect.arrayContaining(["twilio", "telnyx", "bandwidth", "flowroute"]));
  });
});
