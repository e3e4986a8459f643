// A backend that changes nothing: it compiles, logs and records what it would apply. Works on
// any laptop (no root, no firewall tools), for trying the agent and for the agent's own tests.
import { compileIptables, compileNftRuleset, deltaSize, diffSets, sha256Hex, type ResolvedState } from "@gatehouse/core";
import type { AppliedSummary, DriftReport, FirewallBackend } from "./backend.ts";
import { silentLogger, type FirewallLogger } from "./logger.ts";

export interface DryRunRecord {
  mode: AppliedSummary["mode"];
  state: ResolvedState;
  /** The nft script it would load (the iptables form is in the summary's hash only). */
  script: string;
}

interface Compiled {
  rulesKey: string;
  sets: Record<string, string[]>;
  script: string;
}

function compile(state: ResolvedState): Compiled {
  const nft = compileNftRuleset(state);
  // Compiling the iptables form too surfaces anything only it would refuse.
  compileIptables(state);
  return { rulesKey: nft.rulesKey, sets: nft.sets, script: nft.script };
}

export class DryRunBackend implements FirewallBackend {
  readonly name = "dry-run" as const;
  /** Every apply, oldest first. */
  readonly history: DryRunRecord[] = [];
  private applied: Compiled | null = null;
  private readonly logger: FirewallLogger;

  constructor(options: { logger?: FirewallLogger } = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  async apply(state: ResolvedState): Promise<AppliedSummary> {
    const next = compile(state);
    const mode = this.applied !== null && this.applied.rulesKey === next.rulesKey ? "delta" : "full";
    const changes = this.applied === null ? null : deltaSize(diffSets(this.applied.sets, next.sets));
    this.applied = next;
    this.history.push({ mode, state, script: next.script });
    const summary: AppliedSummary = {
      backend: this.name,
      mode,
      setSizes: Object.fromEntries(Object.entries(next.sets).map(([name, members]) => [name, members.length])),
      ruleCount: next.script.split("\n").filter((line) => line.includes(' comment "gh:')).length,
      rulesetHash: sha256Hex(next.script),
    };
    this.logger.info({ backend: this.name, mode, changes, sets: summary.setSizes }, "dry run: would apply");
    return summary;
  }

  async verify(state: ResolvedState): Promise<DriftReport> {
    if (this.applied === null) return { intact: false, problems: ["nothing has been applied yet (dry run)"] };
    const expected = compile(state);
    const same = expected.script === this.applied.script;
    return { intact: same, problems: same ? [] : ["the recorded ruleset differs from the requested state (dry run)"] };
  }

  async uninstall(): Promise<void> {
    this.applied = null;
    this.logger.info({ backend: this.name }, "dry run: would remove Gatehouse's chains, sets and table");
  }
}
