// Keeps the target enforced. A state offered by the runtime has its new FQDNs resolved outside the
// queue (offer), then in the queue becomes the target (take) and runs through enforce(): the
// Enforcer resolves and applies it through the backend, Confirmation keeps it on disk (or its
// fallback while it awaits the control plane's ack), the Reporter tells the control plane and the
// status file. Every change of what is enforced (a new state, a DNS refresh, a drift repair, a
// retry, a rollback) runs through this one queue, so none of them interleave.
import type { Logger } from "pino";
import type { CountryNetworksMessage, CountryNetworksRequest, FetchMessage, KnockIntervalMessage } from "@gatehouse/protocol";
import type { AnswerBook } from "../dns/answer-book.ts";
import type { CountryNetworks } from "../geo/country-networks.ts";
import type { ChangeWatcher } from "../firewall/netfilter-watcher.ts";
import { SerialQueue } from "../serial-queue.ts";
import { loadAppliedRecord } from "../state/applied-record.ts";
import type { RollbackHold, PendingConfirm } from "./commit-confirm.ts";
import type { Confirmation } from "./confirmation.ts";
import { desiredOf, type Desired } from "./desired.ts";
import { DnsSchedule } from "./dns-schedule.ts";
import { DriftChecks } from "./drift-checks.ts";
import type { Enforcer, EnforceOutcome } from "./enforcer.ts";
import { KnockTelemetry, type KnockReader } from "./knock-telemetry.ts";
import type { ReportOutbox } from "./report-outbox.ts";
import type { Reporter } from "./reporter.ts";

interface EnforcementLoopOptions {
  serverId: string;
  appliedPath: string;
  commitConfirmMs: number;
  driftIntervalMs: number;
  /** Drop telemetry: how to read the counters (null: a backend without them) and how often. */
  knocks: { read: KnockReader | null; intervalMs: number };
  changeWatcher: ChangeWatcher | null;
  logger: Logger;
  enforcer: Enforcer;
  answers: AnswerBook;
  /** The countries' networks, kept on disk and asked of the hub when missing. */
  countries: CountryNetworks;
  outbox: ReportOutbox;
  confirmation: Confirmation;
  hold: RollbackHold;
  reporter: Reporter;
  /** The session with the control plane: a rollback restarts it, an ack ending a hold fetches again. */
  link: { restart(): void; send(message: FetchMessage | CountryNetworksRequest): boolean };
}

/** How long a new state waits for its countries' networks before it is applied without them. */
const COUNTRY_WAIT_MS = 15_000;

/** Why the target is enforced: read from disk at boot, a new state, new DNS answers, a country's networks, or a retry / rollback. */
type Cause = "disk" | "state" | "dns" | "geo" | "retry";

export class EnforcementLoop {
  /** Resolves once a ruleset is enforced (from disk or from the control plane). */
  readonly firstEnforced: Promise<void>;
  private readonly queue: SerialQueue;
  private readonly dns: DnsSchedule;
  private readonly drift: DriftChecks;
  private readonly knocks: KnockTelemetry | null;
  /** What the agent should enforce: the latest state taken in, or the fallback of a rollback. */
  private target: Desired | null = null;
  /** How the last apply, when it failed, is retried (a new state still needs its confirmation). */
  private failedApply: "state" | "retry" | null = null;
  private latestStateRevision = -1;
  /** The countries the enforced ruleset left out (no networks then): their arrival re-applies. */
  private countriesLeftOut = new Set<string>();
  private stopping = false;
  private resolveFirstEnforced: () => void = () => {};

  constructor(private readonly options: EnforcementLoopOptions) {
    this.queue = new SerialQueue((error) => options.logger.error({ err: error }, "sync step failed"));
    this.dns = new DnsSchedule(options.answers, (changed) => this.inQueue(() => this.afterDnsRefresh(changed)));
    this.drift = new DriftChecks({ intervalMs: options.driftIntervalMs, watcher: options.changeWatcher, inQueue: (task) => this.inQueue(task), check: () => this.checkDrift() });
    const { read, intervalMs } = options.knocks;
    const counted = (interval: KnockIntervalMessage) => {
      options.outbox.addKnocks(interval);
      options.reporter.send();
    };
    this.knocks = read ? new KnockTelemetry({ read, intervalMs, logger: options.logger, inQueue: (task) => this.inQueue(task), counted }) : null;
    this.firstEnforced = new Promise((resolve) => (this.resolveFirstEnforced = resolve));
  }

  /** The revision of the target (-1 before there is one). */
  get targetRevision(): number {
    return this.target?.revision ?? -1;
  }

  /** Enforces the state kept on disk, then keeps DNS answers fresh and the live firewall checked. */
  async start(): Promise<void> {
    await this.inQueue(() => this.enforceFromDisk());
    this.drift.start();
    this.knocks?.start();
    if (this.target !== null) this.dns.follow(this.target);
  }

  /** Stops every timer; resolves once the change under way (if any) is done. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.drift.stop();
    this.knocks?.stop();
    this.dns.stop();
    this.hold.stop();
    this.options.confirmation.cancel();
    await this.queue.idle();
  }

  /**
   * A state's new FQDNs are resolved before it is applied, outside the queue: nothing else waits
   * for them, and a newer state (which does not wait for names already being asked) wins.
   */
  async offer(desired: Desired): Promise<void> {
    this.latestStateRevision = Math.max(this.latestStateRevision, desired.revision);
    const accepted = desired.state.serverId === this.options.serverId && !this.hold.isHeld(desired.revision);
    const { countries, link } = this.options;
    const [changed] = accepted
      ? await Promise.all([this.options.answers.resolveNew(desired.fqdns), countries.load(desired.state).then(() => countries.fetchMissing(desired.state, (request) => link.send(request), COUNTRY_WAIT_MS))])
      : [false];
    if (desired.revision < this.latestStateRevision) {
      if (changed) await this.inQueue(() => this.enforce("dns"));
      return;
    }
    await this.inQueue(() => this.take(desired));
  }

  /** An ack from the control plane (queued): confirmed contact, and maybe the confirmation of the pending ruleset. */
  acknowledged(revision: number, answersHello: boolean): Promise<void> {
    return this.inQueue(() => this.onAck(revision, answersHello));
  }

  /** A country's networks from the hub: kept, and applied when the target uses them. */
  async countryNetworksArrived(message: CountryNetworksMessage): Promise<void> {
    const added = await this.options.countries.received(message);
    // Checked in the queue: an apply under way may still leave the country out.
    if (added) await this.inQueue(() => (this.countriesLeftOut.has(`country:${message.country}`) ? this.enforce("geo") : Promise.resolve()));
  }

  /** Asks the hub for the target's countries that have no networks here (a new session asks again). */
  askCountries(): void {
    const target = this.target;
    if (target === null) return;
    for (const request of this.options.countries.requests(target.state)) this.options.link.send(request);
  }

  /** The commit-confirm window passed without an ack (queued). */
  windowExpired(pending: PendingConfirm): Promise<void> {
    return this.inQueue(() => this.rollBack(pending));
  }

  private get hold(): RollbackHold {
    return this.options.hold;
  }

  /** Runs `task` in the one queue of changes to what is enforced; skipped once stopping. */
  private inQueue(task: () => Promise<void>): Promise<void> {
    return this.queue.run(() => (this.stopping ? Promise.resolve() : task()));
  }

  private async enforceFromDisk(): Promise<void> {
    const { logger, confirmation, outbox, answers } = this.options;
    const record = await loadAppliedRecord(this.options.appliedPath);
    if (record === null) {
      logger.info("no applied state on disk yet: the firewall is left as it is until the control plane sends one");
      return;
    }
    confirmation.loaded(record);
    outbox.loadRollbacks(record.rollbacksToReport);
    answers.load(record.answers);
    this.target = desiredOf(record.revision, record.desiredHash, record.state);
    logger.info({ revision: record.revision }, "enforcing the last applied state from disk before any network");
    await this.enforce("disk");
  }

  private async take(desired: Desired): Promise<void> {
    const { serverId, reporter } = this.options;
    if (desired.state.serverId !== serverId) return reporter.refused(`refused a desired state for server ${desired.state.serverId}: this agent is ${serverId}`);
    if (this.hold.isHeld(desired.revision)) return reporter.held(desired.revision);
    this.target = desired;
    this.options.answers.keepOnly(desired.fqdns);
    this.options.countries.keepOnly([desired.state]);
    await this.enforce("state");
    this.dns.follow(desired);
  }

  /** The target, resolved with the DNS answers, onto the firewall; then kept on disk and reported. */
  private async enforce(cause: Cause): Promise<void> {
    const desired = this.target;
    if (desired === null) return;
    let outcome: EnforceOutcome;
    const { countries } = this.options;
    try {
      await countries.load(desired.state);
      outcome = await this.options.enforcer.enforce(desired, this.options.answers.addressMap(), countries.networksFor(desired.state));
    } catch (error) {
      this.failedApply = cause === "state" ? "state" : "retry";
      return this.options.reporter.applyFailed(desired.revision, error);
    }
    this.failedApply = null;
    this.countriesLeftOut = new Set(outcome.unresolved.filter((source) => source.startsWith("country:")));
    this.askCountries();
    this.options.reporter.enforced(outcome, cause);
    this.resolveFirstEnforced();
    await this.options.confirmation.settle(outcome.enforced, cause === "state");
    await this.options.reporter.publishEnforced();
  }

  /** Any ack is confirmed contact: a held revision is fetched again. */
  private async onAck(revision: number, answersHello: boolean): Promise<void> {
    const { outbox, confirmation, reporter, enforcer } = this.options;
    if (!answersHello && outbox.acknowledged()) await confirmation.saveRollbacks();
    const held = this.hold.clear();
    if (held !== null) {
      reporter.holdEnded(held);
      this.options.link.send({ type: "fetch", revision: held });
    }
    if (await confirmation.acknowledge(revision, enforcer.enforced)) await reporter.writeStatus();
    if (outbox.hasUnsent) reporter.send();
  }

  /** Takes back what the unconfirmed state added, never what it removed (see confirmation.ts). */
  private async rollBack(pending: PendingConfirm): Promise<void> {
    const fallback = this.options.confirmation.takeFallback();
    if (fallback === null) return;
    this.options.reporter.rolledBack(pending.revision, fallback.revision, this.options.commitConfirmMs);
    if (this.hold.rolledBack(pending.revision)) this.startHold(pending.revision);
    this.target = fallback;
    this.dns.follow(fallback);
    await this.enforce("retry");
    // The link did not carry an ack: start a fresh session, which re-syncs from a snapshot.
    this.options.link.restart();
  }

  /** While held, the held report goes out every drift interval: its ack is the confirmed contact that ends the hold. */
  private startHold(revision: number): void {
    const { reporter } = this.options;
    reporter.holdStarted(revision);
    this.hold.repeat(this.options.driftIntervalMs, () => void this.inQueue(() => (this.hold.isHeld(revision) ? reporter.held(revision) : Promise.resolve())));
  }

  private async checkDrift(): Promise<void> {
    if (this.failedApply !== null) return this.enforce(this.failedApply);
    try {
      const problems = await this.options.enforcer.repairDrift();
      if (problems !== null) await this.options.reporter.driftRepaired(problems);
    } catch (error) {
      this.options.reporter.driftCheckFailed(error);
    }
  }

  private async afterDnsRefresh(changed: boolean): Promise<void> {
    if (!changed) return this.options.reporter.dnsRefreshed();
    this.options.logger.info("DNS answers changed; re-applying");
    await this.enforce("dns");
  }
}
