import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import { MAX_SRV_TARGETS, sipDomainOf, srvTargets } from "./sip-domain.ts";
import { parseAdminSource } from "./source-rules.ts";
import { parseSource } from "./source.ts";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return (error as Error).message;
  }
  throw new Error("it was accepted");
}

describe("an operator allows a SIP provider by its domain (srv:)", () => {
  it("gets the domain back in lower case, marked as resolved by SRV", () => {
    expect(parseSource("  SRV:Trunks.Example.NET. ")).toEqual({ kind: "fqdn", canonical: "srv:trunks.example.net", sipDomain: "trunks.example.net" });
    expect(sipDomainOf("srv:trunks.example.net")).toBe("trunks.example.net");
  });

  it("keeps a plain host name a plain host name", () => {
    expect(parseSource("sip.example.net")).toEqual({ kind: "fqdn", canonical: "sip.example.net" });
    expect(sipDomainOf("sip.example.net")).toBeNull();
    expect(sipDomainOf("2001:db8::1")).toBeNull();
  });

  it("is told what to write when the domain is missing, an address, or an SRV owner name", () => {
    expect(refusal(() => parseSource("srv:"))).toBe("srv: names no SIP domain: write the provider's domain after srv:, like srv:sip.example.net");
    expect(refusal(() => parseSource("srv:198.51.100.7"))).toBe("srv:198.51.100.7: srv: takes a SIP domain (a host name), not an address");
    expect(refusal(() => parseSource("srv:2001:db8::1"))).toBe("srv:2001:db8::1: srv: takes a SIP domain (a host name), not an address");
    expect(refusal(() => parseSource("srv:_sip._udp.example.net"))).toBe(
      "srv:_sip._udp.example.net: give the SIP domain only (srv:example.net); the agent asks _sip._udp, _sip._tcp and _sips._tcp itself",
    );
  });

  it("gets the host-name rules and the character gate for the domain", () => {
    expect(refusal(() => parseSource("srv:example"))).toContain("a host name has at least two parts");
    expect(refusal(() => parseSource("srv:exa mple.net"))).toContain("there is a space");
    expect(refusal(() => parseSource("srv:*.example.net"))).toContain("wildcards are not supported");
    expect(refusal(() => parseSource("srv:a;rm -rf.example.net"))).toContain("cannot appear");
    expect(refusal(() => parseSource(`srv:${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.${"d".repeat(61)}.net`))).toContain("too long");
  });

  it("cannot be a server's primary admin source, which is one host", () => {
    expect(refusal(() => parseAdminSource("srv:example.net"))).toContain("is a SIP domain");
  });
});

describe("the SRV targets a SIP domain's records name", () => {
  const record = (name: string, port: number, priority = 10, weight = 0) => ({ name, port, priority, weight });

  it("lists every target once, most preferred first, with all its ports", () => {
    const targets = srvTargets([
      record("b.example.net", 5060, 20),
      record("A.example.net.", 5060, 10, 5),
      record("a.example.net", 5061, 10, 5),
      record("c.example.net", 5060, 10, 50),
    ]);
    expect(targets).toEqual([
      { target: "c.example.net", ports: [5060] },
      { target: "a.example.net", ports: [5060, 5061] },
      { target: "b.example.net", ports: [5060] },
    ]);
  });

  it("skips the '.' target that says the service is not offered", () => {
    expect(srvTargets([record(".", 0), record("sip.example.net", 5060)])).toEqual([{ target: "sip.example.net", ports: [5060] }]);
  });

  it("follows at most MAX_SRV_TARGETS targets", () => {
    const many = Array.from({ length: MAX_SRV_TARGETS + 5 }, (_, i) => record(`t${i}.example.net`, 5060, i));
    const targets = srvTargets(many);
    expect(targets).toHaveLength(MAX_SRV_TARGETS);
    expect(targets[0]?.target).toBe("t0.example.net");
  });
});
