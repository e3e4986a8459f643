// Nothing a person typed, and nothing a DNS server answered, reaches a firewall unparsed: from
// arbitrary text through parseSource, the effective state, FQDN resolution and both compilers,
// every address in the rulesets is the canonical form of an accepted source or answer.
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { compileIptables, compileNftRuleset } from "./compile/index.ts";
import { effectiveStateForServer, type ScopedEntry } from "./desired-state.ts";
import type { ServiceDefinition } from "./model.ts";
import { resolveDesiredState } from "./resolve.ts";
import { customServiceDefinition, customServiceSchema, SERVICE_CATALOGUE } from "./services.ts";
import { parseSource, type ParsedSource } from "./source.ts";

const SEED = 424_242;

const HOSTILE = [";", "|", "&", "$(", "`", "'", '"', "\n", " ", "\u0000", "é", "/0", "/8", "::", ":", ".", "*", "%", "-", "010"];
const hostileText = fc.array(fc.constantFrom(...HOSTILE, "198.51.100.7", "2001:db8::", "example.com"), { maxLength: 6 }).map((p) => p.join(""));
const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 33 })).map(([a, p]) => `${a}/${p}`);
const ipv6Cidr = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 129 })).map(([a, p]) => `${a}/${p}`);

/** What a person might type as a source: mostly plausible, often hostile. */
const typedSource = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), ipv4Cidr, ipv6Cidr, fc.domain(), fc.string({ maxLength: 40 }), hostileText);
/** What a DNS answer might contain (a resolver bug or a hostile server). */
const answerText = fc.oneof(fc.ipV4(), fc.ipV6(), ipv4Cidr, fc.string({ maxLength: 30 }), hostileText);

const customServiceInput = fc.record({
  id: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/), fc.constantFrom("lan", "admin", "all", "sip"), fc.string({ maxLength: 24 })),
  name: fc.string({ maxLength: 20 }),
  protocol: fc.constantFrom("tcp", "udp", "sctp"),
  portFrom: fc.integer({ min: -1, max: 70_000 }),
  portTo: fc.integer({ min: -1, max: 70_000 }),
});

const scenario = fc.record({
  typed: fc.array(fc.tuple(typedSource, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.constantFrom("FLEET", "TENANT", "SERVER")), { maxLength: 25 }),
  admin: fc.option(typedSource, { nil: null }),
  lan: fc.array(typedSource, { maxLength: 3 }),
  answers: fc.array(fc.array(answerText, { maxLength: 4 }), { maxLength: 25 }),
  custom: fc.array(customServiceInput, { maxLength: 3 }),
  mediaOpenToAll: fc.boolean(),
});

function accepted(text: string): ParsedSource | null {
  try {
    return parseSource(text);
  } catch {
    return null;
  }
}

function isAddressLike(token: string): boolean {
  if (!/[.:]/.test(token)) return false;
  const [address = "", prefix] = token.split("/");
  return ipaddr.isValid(address) && (prefix === undefined || /^\d+$/.test(prefix));
}

describe("from typed text to firewall rules", () => {
  it("only canonical forms of accepted sources and answers ever reach iptables, ipset or nft", () => {
    let addressesChecked = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const custom: ServiceDefinition[] = s.custom.flatMap((input) => {
          const parsed = customServiceSchema.safeParse(input);
          return parsed.success && !SERVICE_CATALOGUE.some((c) => c.id === parsed.data.id) ? [customServiceDefinition(parsed.data)] : [];
        });
        const serviceIds = [...SERVICE_CATALOGUE.map((service) => service.id), ...custom.map((service) => service.id)];
        // The compilers' own constant: IPv6 control traffic from / DHCPv6 replies to link-local addresses.
        const allowed = new Set<string>(["fe80::/10"]);
        const entries: ScopedEntry[] = [];
        for (const [text, picks, scope] of s.typed) {
          const parsed = accepted(text);
          if (parsed === null) continue;
          if (parsed.kind === "ip") allowed.add(parsed.canonical);
          entries.push({
            source: parsed.canonical,
            kind: parsed.kind,
            services: picks.map((pick) => serviceIds[pick % serviceIds.length] ?? "sip"),
            scope,
            tenantId: "acme",
            groupName: null,
            serverId: "srv-1",
            expiresAt: null,
          });
        }
        const admin = s.admin === null ? null : accepted(s.admin);
        if (admin?.kind === "ip") allowed.add(admin.canonical);
        const lanRanges = s.lan.flatMap((text) => {
          const parsed = accepted(text);
          return parsed?.kind === "ip" ? [parsed.canonical] : [];
        });
        for (const range of lanRanges) allowed.add(range);

        const state = effectiveStateForServer({
          server: { id: "srv-1", tenantId: "acme", tags: [], primaryAdminSource: admin?.canonical ?? null, lanRanges, mediaOpenToAll: s.mediaOpenToAll },
          entries,
          customServices: custom,
          now: new Date("2026-11-24T12:00:00Z"),
        });
        const names = [...state.entries.filter((e) => e.kind === "fqdn").map((e) => e.source), ...(admin?.kind === "fqdn" ? [admin.canonical] : [])];
        const answers = new Map(names.map((name, index) => [name, s.answers[index % Math.max(1, s.answers.length)] ?? []]));
        for (const texts of answers.values()) {
          for (const text of texts) {
            const parsed = accepted(text);
            if (parsed?.kind === "ip" && !parsed.canonical.includes("/")) allowed.add(parsed.canonical);
          }
        }

        const { resolved } = resolveDesiredState(state, answers);
        const iptables = compileIptables(resolved);
        const nft = compileNftRuleset(resolved);

        const outputs = [iptables.ipsetRestore, iptables.iptablesV4, iptables.iptablesV6, nft.script];
        for (const output of outputs) {
          expect(output).toMatch(/^[\t\n\x20-\x7e]*$/);
          for (const token of output.split(/[\s,{}]+/)) {
            if (!isAddressLike(token)) continue;
            expect(allowed, `${token} came from nowhere`).toContain(token);
            addressesChecked += 1;
          }
        }
        for (const members of [...Object.values(iptables.sets), ...Object.values(nft.sets)]) {
          for (const member of members) expect(allowed).toContain(member);
        }
        for (const name of [...Object.keys(iptables.sets), ...Object.keys(nft.sets)]) {
          expect(name).toMatch(/^gh[46]-[a-z][a-z0-9-]*(\.net)?$/);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    // The property is not vacuous: the scenarios really put addresses into the rulesets.
    expect(addressesChecked).toBeGreaterThan(1_000);
  });
});
