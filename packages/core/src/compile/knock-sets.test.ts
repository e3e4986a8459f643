// The drop telemetry's rules count only what the ruleset is about to drop, and never allow anything.
import { describe, expect, it } from "vitest";
import { compileIptables, compileNftRuleset } from "./index.ts";
import { goldenStates } from "./golden-states.ts";

const state = goldenStates.typical!;

describe("drop telemetry in the compiled rulesets", () => {
  it("nftables: counts per source, protocol and port just before the policy drop, in sets of fixed size", () => {
    const ruleset = compileNftRuleset(state);
    const last = ruleset.chainRules.slice(-2);
    expect(last).toEqual([
      "meta l4proto { tcp, udp } update @gh4.knock { ip saddr . meta l4proto . th dport }",
      "meta l4proto { tcp, udp } update @gh6.knock { ip6 saddr . meta l4proto . th dport }",
    ]);
    expect(ruleset.chainRules.filter((rule) => rule.includes("knock") && rule.includes("accept"))).toEqual([]);
    expect(ruleset.script).toMatch(/set gh4\.knock \{\n\t\ttype ipv4_addr \. inet_proto \. inet_service\n\t\tsize 65536\n\t\tflags dynamic,timeout/);
    expect(ruleset.sets["gh4.knock"]).toBeUndefined();
  });

  it("iptables: counts a known element, adds a new one, then drops: nothing after the telemetry accepts", () => {
    const ruleset = compileIptables(state);
    const lines = ruleset.iptablesV4.split("\n").filter((line) => line.startsWith("-A GATEHOUSE "));
    const telemetry = lines.findIndex((line) => line.includes("gh4.knock"));
    expect(lines.slice(telemetry).map((line) => line.replace(/ -m comment --comment gh:\w+/, ""))).toEqual([
      "-A GATEHOUSE -m set --match-set gh4.knock src,dst -j DROP",
      "-A GATEHOUSE -p tcp -m limit --limit 1000/sec --limit-burst 2000 -j SET --add-set gh4.knock src,dst",
      "-A GATEHOUSE -p udp -m limit --limit 1000/sec --limit-burst 2000 -j SET --add-set gh4.knock src,dst",
      "-A GATEHOUSE -j DROP",
    ]);
    expect(ruleset.ipsetRestore).toContain("create gh4.knock hash:ip,port family inet hashsize 8192 counters timeout 3600 maxelem 65536 -exist");
    // Only created: a full apply never swaps or flushes the counts away.
    expect(ruleset.ipsetRestore).not.toMatch(/(flush|swap|destroy) gh[46]\.knock/);
    expect(ruleset.setNames).toContain("gh6.knock");
  });
});
