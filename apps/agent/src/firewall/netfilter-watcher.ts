// Notices at once when someone changes the firewall (`iptables -F`, `nft flush ruleset`, a deleted
// set member, FreePBX's `fwconsole start`), so the agent re-verifies and repairs within a second
// instead of at the next periodic check:
// - netfilter's own change events: `nft monitor`, run as a child process (an argument array,
//   inside the agent's --netns like every firewall command). nftables and iptables-nft changes
//   both show there.
// - what sends no event, polled every second with one cheap listing: ipset (no change events at
//   all) and iptables-legacy's rules. Each poll compares a fingerprint with the last one.
// Changes the agent makes itself are not changes: each apply runs inside ownChange(), and events
// arriving meanwhile (and for a short grace after) do not fire at once. They are not dropped
// either: an external change can land during one of our applies (a flush right after a repair),
// so such events fire ONE check once the grace is over. That check finds nothing when the events
// were ours, and applies nothing, so there is never a repair loop. The poll's fingerprint is taken
// again after our change. The periodic verify stays as the fallback.
import { spawn, type ChildProcess } from "node:child_process";
import type { BackendName, FirewallBackend } from "./backend.ts";
import type { CommandRunner } from "./command-runner.ts";
import { silentLogger, type FirewallLogger } from "./logger.ts";

/** What the runtime needs: start, stop, and a way to make changes that are not drift. */
export interface ChangeWatcher {
  /** Calls `onChange` (debounced) after the firewall changed, except by ownChange(). */
  start(onChange: () => void): void;
  stop(): void;
  /** Runs one of the agent's own changes: what it changes is not reported as a change. */
  ownChange<T>(task: () => Promise<T>): Promise<T>;
}

/** `backend` whose applies (and uninstall) are the agent's own changes, not drift. */
export function watchedBackend(backend: FirewallBackend, watcher: ChangeWatcher): FirewallBackend {
  return {
    name: backend.name,
    apply: (state) => watcher.ownChange(() => backend.apply(state)),
    verify: (state) => backend.verify(state),
    ...(backend.lookup ? { lookup: backend.lookup.bind(backend) } : {}),
    uninstall: (...args: Parameters<FirewallBackend["uninstall"]>) => watcher.ownChange(() => backend.uninstall(...args)),
  };
}

export interface NetfilterWatcherOptions {
  runner: CommandRunner;
  backend: BackendName;
  logger?: FirewallLogger;
  /** Quiet time after the last event before onChange fires (bursts: `iptables -F` then `ip6tables -F`). */
  debounceMs?: number;
  /** How often ipset (and iptables-legacy) are polled. */
  pollMs?: number;
}

const DEBOUNCE_MS = 50;
const POLL_MS = 1_000;
/** Our own apply's events can trail its end by a few milliseconds (nft monitor's pipe). */
const OWN_CHANGE_GRACE_MS = 100;
const RESTART_MS = 5_000;
/** nft's comment lines ("# new generation 7 by process 123 (nft)"): the event lines say it all. */
const COMMENT = /^#/;
/** Set elements of another table (a ban list, crowdsec's): frequent, and never about our rules. */
const FOREIGN_ELEMENT = /^(add|delete) element (\S+) (\S+) (\S+)/;
/** The drop-telemetry sets (gh4.knock) change with every new knocker: never drift. */
const KNOCK_SET = /^gh[46]\.knock$/;

/** Whether an `nft monitor` line can concern what this backend enforces. */
function concernsUs(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === "" || COMMENT.test(trimmed)) return false;
  const element = FOREIGN_ELEMENT.exec(trimmed);
  return element === null || (element[2] === "inet" && element[3] === "gatehouse" && !KNOCK_SET.test(element[4] ?? ""));
}

/** The parts of `ipset list -t` that change when a member is added or deleted, but not of the knock sets. */
function ipsetFingerprint(listing: string): string {
  return listing
    .split("\n\n")
    .filter((block) => !/^Name: gh[46]\.knock$/m.test(block))
    .flatMap((block) => block.split("\n"))
    .filter((line) => line.startsWith("Name:") || line.startsWith("Number of entries:"))
    .join("\n");
}

export class NetfilterWatcher implements ChangeWatcher {
  private readonly logger: FirewallLogger;
  private onChange: (() => void) | null = null;
  private monitor: ChildProcess | null = null;
  private restartTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private ownChanges = 0;
  private quietUntil = 0;
  /** An event arrived while a change of ours was running: check once the grace is over. */
  private heardDuringOwnChange = false;
  private afterOwnChangeTimer: NodeJS.Timeout | undefined;
  private fingerprint: string | null = null;
  private polling = false;
  private legacyIptables = false;

  constructor(private readonly options: NetfilterWatcherOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  start(onChange: () => void): void {
    this.onChange = onChange;
    this.startMonitor();
    if (this.options.backend === "iptables") void this.startPolling();
  }

  stop(): void {
    this.onChange = null;
    clearTimeout(this.restartTimer);
    clearTimeout(this.debounceTimer);
    clearTimeout(this.afterOwnChangeTimer);
    clearInterval(this.pollTimer);
    this.monitor?.kill();
    this.monitor = null;
  }

  async ownChange<T>(task: () => Promise<T>): Promise<T> {
    this.ownChanges += 1;
    try {
      return await task();
    } finally {
      this.ownChanges -= 1;
      this.quietUntil = performance.now() + OWN_CHANGE_GRACE_MS;
      if (this.ownChanges === 0 && this.fingerprint !== null) this.fingerprint = await this.takeFingerprint().catch(() => null);
      if (this.ownChanges === 0) this.checkAfterGraceIfHeard();
    }
  }

  private checkAfterGraceIfHeard(): void {
    clearTimeout(this.afterOwnChangeTimer);
    this.afterOwnChangeTimer = setTimeout(() => {
      if (!this.heardDuringOwnChange || this.ours) return;
      this.heardDuringOwnChange = false;
      this.changed();
    }, OWN_CHANGE_GRACE_MS + 1);
  }

  private get ours(): boolean {
    return this.ownChanges > 0 || performance.now() < this.quietUntil;
  }

  private changed(): void {
    if (this.onChange === null) return;
    if (this.ours) {
      this.heardDuringOwnChange = true;
      return;
    }
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      if (this.ours) this.heardDuringOwnChange = true;
      else this.onChange?.();
    }, this.options.debounceMs ?? DEBOUNCE_MS);
  }

  private startMonitor(): void {
    const netns = this.options.runner.options.netns;
    const [file, args] = netns ? ["ip", ["netns", "exec", netns, "nft", "monitor"]] : ["nft", ["monitor"]];
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env: this.options.runner.options.env ?? process.env });
    this.monitor = child;
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      if (lines.some(concernsUs)) this.changed();
    });
    child.stderr.resume();
    child.on("error", (error) => this.logger.warn({ error: error.message }, "cannot watch netfilter's change events (nft monitor)"));
    child.on("close", (code) => {
      if (this.monitor !== child || this.onChange === null) return;
      this.logger.warn({ code, retryInMs: RESTART_MS }, "nft monitor ended; drift is found by the periodic check until it runs again");
      this.monitor = null;
      this.restartTimer = setTimeout(() => this.onChange && this.startMonitor(), RESTART_MS);
    });
  }

  private async startPolling(): Promise<void> {
    const version = await this.options.runner.run("iptables", ["--version"]).catch(() => null);
    this.legacyIptables = version?.stdout.includes("legacy") ?? false;
    this.fingerprint = await this.takeFingerprint().catch(() => null);
    if (this.onChange === null) return;
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollMs ?? POLL_MS);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.ours) return;
    this.polling = true;
    try {
      const now = await this.takeFingerprint();
      if (this.fingerprint !== null && now !== this.fingerprint && !this.ours) this.changed();
      if (!this.ours) this.fingerprint = now;
    } catch {
      // A failed listing (xtables lock held, a tool gone) proves nothing; the next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  /** ipset's members per set, and with iptables-legacy (no nft events) both filter tables. */
  private async takeFingerprint(): Promise<string> {
    const { runner } = this.options;
    const parts = [ipsetFingerprint((await runner.run("ipset", ["list", "-t"])).stdout)];
    if (this.legacyIptables) {
      for (const tool of ["iptables", "ip6tables"]) parts.push((await runner.run(tool, ["-w", "10", "-S"])).stdout);
    }
    return parts.join("\n--\n");
  }
}
