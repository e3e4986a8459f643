// A trunk provider published as a SIP domain (srv:<domain>), resolved by the agent's real
// resolver (c-ares) against a DNS server the test runs: SRV first, every target's A and AAAA,
// the domain's own A/AAAA when it has no SRV, and fail-static through a DNS fault.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_SIP_DOMAIN_ADDRESSES } from "@gatehouse/core";
import { AnswerBook } from "../src/dns/answer-book.ts";
import { SRV_RECHECK_SECONDS } from "../src/dns/sip-domain-resolver.ts";
import { FqdnResolver } from "../src/dns/fqdn-resolver.ts";
import { TestDnsServer } from "./dns-server.ts";

const DOMAIN = "trunk.example.test";
const SOURCE = `srv:${DOMAIN}`;

describe("a SIP domain resolved by SRV", () => {
  const dns = new TestDnsServer();
  let resolver: FqdnResolver;
  let clock = 0;
  let book: AnswerBook;

  beforeAll(async () => {
    await dns.start();
    resolver = new FqdnResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
  });
  afterAll(() => dns.stop());
  beforeEach(() => {
    for (const name of ["_sip._udp", "_sip._tcp", "_sips._tcp"]) dns.remove(`${name}.${DOMAIN}`);
    for (const name of [DOMAIN, `sip-a.${DOMAIN}`, `sip-b.${DOMAIN}`]) dns.remove(name);
    dns.recover(`_sip._udp.${DOMAIN}`);
    book = new AnswerBook(resolver, { minSeconds: 5, maxSeconds: 3600 }, () => clock);
  });

  const publishTwoTargets = () => {
    dns.set(`_sip._udp.${DOMAIN}`, { srv: [{ target: `sip-a.${DOMAIN}`, port: 5060, priority: 10 }, { target: `sip-b.${DOMAIN}`, port: 5060, priority: 20 }], ttl: 300 });
    dns.set(`_sip._tcp.${DOMAIN}`, { srv: [{ target: `sip-a.${DOMAIN}`, port: 5060 }], ttl: 300 });
    dns.set(`_sips._tcp.${DOMAIN}`, { srv: [{ target: `sip-b.${DOMAIN}`, port: 5061 }], ttl: 300 });
    dns.set(`sip-a.${DOMAIN}`, { a: ["198.51.100.11", "198.51.100.12"], aaaa: ["2001:db8:a::11"], ttl: 120 });
    dns.set(`sip-b.${DOMAIN}`, { a: ["203.0.113.21", "203.0.113.22", "203.0.113.23"], aaaa: ["2001:db8:b::21"], ttl: 60 });
  };

  it("allows every A and AAAA of every SRV target, and reports each target with its addresses", async () => {
    publishTwoTargets();
    expect(await book.refresh([SOURCE])).toBe(true);
    expect(book.addressMap().get(SOURCE)).toEqual(
      ["198.51.100.11", "198.51.100.12", "2001:db8:a::11", "203.0.113.21", "203.0.113.22", "203.0.113.23", "2001:db8:b::21"].sort(),
    );
    const [resolution] = book.resolutions([SOURCE]);
    expect(resolution?.targets).toEqual([
      { target: `sip-a.${DOMAIN}`, ports: [5060], addresses: ["198.51.100.11", "198.51.100.12", "2001:db8:a::11"] },
      { target: `sip-b.${DOMAIN}`, ports: [5060, 5061], addresses: ["2001:db8:b::21", "203.0.113.21", "203.0.113.22", "203.0.113.23"] },
    ]);
    // The lowest TTL along the chain decides when it is asked again.
    expect(resolution?.ttlSeconds).toBe(60);
    expect(book.nextDueAt([SOURCE])).toBe(60_000);
    expect(book.unresolved([SOURCE])).toEqual([]);
  });

  it("asks the SRV records again within SRV_RECHECK_SECONDS even behind long-lived address records", async () => {
    publishTwoTargets();
    dns.set(`sip-a.${DOMAIN}`, { a: ["198.51.100.11"], ttl: 86_400 });
    dns.set(`sip-b.${DOMAIN}`, { a: ["203.0.113.21"], ttl: 86_400 });
    await book.refresh([SOURCE]);
    expect(book.resolutions([SOURCE])[0]?.ttlSeconds).toBe(SRV_RECHECK_SECONDS);
    dns.set(`_sip._udp.${DOMAIN}`, { srv: [{ target: `sip-c.${DOMAIN}`, port: 5060 }], ttl: 300 });
    dns.set(`_sip._tcp.${DOMAIN}`, { srv: [{ target: `sip-c.${DOMAIN}`, port: 5060 }], ttl: 300 });
    dns.set(`_sips._tcp.${DOMAIN}`, { srv: [{ target: `sip-c.${DOMAIN}`, port: 5061 }], ttl: 300 });
    dns.set(`sip-c.${DOMAIN}`, { a: ["192.0.2.31"], ttl: 86_400 });
    clock += SRV_RECHECK_SECONDS * 1000;
    expect(await book.refresh([SOURCE])).toBe(true);
    expect(book.addressMap().get(SOURCE)).toEqual(["192.0.2.31"]);
    dns.remove(`sip-c.${DOMAIN}`);
  });

  it("falls back to the domain's own A and AAAA when it publishes no SRV record", async () => {
    dns.set(DOMAIN, { a: ["192.0.2.5"], aaaa: ["2001:db8::5"], ttl: 30 });
    await book.refresh([SOURCE]);
    expect(book.addressMap().get(SOURCE)).toEqual(["192.0.2.5", "2001:db8::5"]);
    expect(book.resolutions([SOURCE])[0]).toMatchObject({ targets: [], ttlSeconds: 30 });
  });

  it("a domain that does not exist is left out and reported unresolved", async () => {
    await book.refresh([SOURCE]);
    expect(book.addressMap().has(SOURCE)).toBe(false);
    expect(book.unresolved([SOURCE])).toEqual([{ fqdn: SOURCE, error: expect.stringContaining("has no SIP SRV record") }]);
  });

  it("an SRV target without addresses is reported empty while the others are allowed", async () => {
    publishTwoTargets();
    dns.remove(`sip-b.${DOMAIN}`);
    await book.refresh([SOURCE]);
    expect(book.addressMap().get(SOURCE)).toEqual(["198.51.100.11", "198.51.100.12", "2001:db8:a::11"]);
    expect(book.resolutions([SOURCE])[0]?.targets?.find((t) => t.target === `sip-b.${DOMAIN}`)?.addresses).toEqual([]);
  });

  it("a DNS fault keeps the last good addresses and targets, and says so", async () => {
    publishTwoTargets();
    await book.refresh([SOURCE]);
    const good = book.resolutions([SOURCE])[0];
    dns.fail(`_sip._udp.${DOMAIN}`);
    clock += 61_000;
    expect(await book.refresh([SOURCE])).toBe(false);
    expect(book.addressMap().get(SOURCE)).toEqual(good?.addresses);
    expect(book.resolutions([SOURCE])[0]?.targets).toEqual(good?.targets);
    expect(book.staleErrors([SOURCE])).toEqual([expect.stringContaining(`SRV lookup of _sip._udp.${DOMAIN} failed (ESERVFAIL); keeping the last known addresses`)]);
  });

  it("a domain gone for good (every name NXDOMAIN) is left out after it had addresses", async () => {
    publishTwoTargets();
    await book.refresh([SOURCE]);
    for (const name of ["_sip._udp", "_sip._tcp", "_sips._tcp"]) dns.remove(`${name}.${DOMAIN}`);
    clock += 61_000;
    expect(await book.refresh([SOURCE])).toBe(true);
    expect(book.addressMap().has(SOURCE)).toBe(false);
    expect(book.unresolved([SOURCE])).toHaveLength(1);
  });

  it("a domain publishing more addresses than the bound gets the bound, the preferred targets' first", async () => {
    const targets = ["t1", "t2", "t3"].map((t) => `${t}.${DOMAIN}`);
    dns.set(`_sip._udp.${DOMAIN}`, { srv: targets.map((target, i) => ({ target, port: 5060, priority: i })), ttl: 60 });
    const networks = ["198.51.100", "203.0.113", "192.0.2"];
    targets.forEach((target, t) => dns.set(target, { a: Array.from({ length: 25 }, (_, i) => `${networks[t]}.${i + 1}`), ttl: 60 }));
    await book.refresh([SOURCE]);
    const addresses = book.addressMap().get(SOURCE) ?? [];
    expect(addresses).toHaveLength(MAX_SIP_DOMAIN_ADDRESSES);
    expect(addresses).toContain("198.51.100.25");
    expect(addresses).not.toContain("192.0.2.25");
  });
});
