// What Gatehouse alerts about, and the words of each alert: pure, no I/O. An alert names the
// tenant it concerns (null: fleet-wide, e.g. a caller refused across tenants), which decides who
// hears it: that tenant's rules and the fleet rules, never another tenant's.
import { z } from "zod";

const ALERT_KINDS = [
  "server.offline",
  "server.drift",
  "server.rolled_back",
  "server.fqdn_unresolved",
  "traveler.locked_out",
  "operator.locked_out",
  "alert.test",
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** The kinds a rule may listen to ("alert.test" is sent to one rule on request only). */
export const RULE_KINDS = ALERT_KINDS.filter((kind) => kind !== "alert.test");

export const ruleKindSchema = z.enum(RULE_KINDS as [Exclude<AlertKind, "alert.test">, ...Exclude<AlertKind, "alert.test">[]], {
  error: `must be one of ${RULE_KINDS.join(", ")}`,
});

export interface Alert {
  kind: AlertKind;
  /** The tenant it concerns; null = fleet-wide. */
  tenantId: string | null;
  /** One line a person reads in Slack or a mail subject. */
  text: string;
  /** Plain facts for machines (server id and name, FQDNs, ...). */
  details: Record<string, unknown>;
}

interface ServerFacts {
  id: string;
  name: string;
  tenantId: string;
  tenantName: string;
}

const serverLabel = (server: ServerFacts) => `${server.name} (${server.tenantName})`;
const serverDetails = (server: ServerFacts) => ({ serverId: server.id, serverName: server.name, tenantName: server.tenantName });

export function serverOfflineAlert(server: ServerFacts, since: Date): Alert {
  return {
    kind: "server.offline",
    tenantId: server.tenantId,
    text: `${serverLabel(server)} is offline: its agent has not been connected since ${since.toISOString()}`,
    details: { ...serverDetails(server), since: since.toISOString() },
  };
}

export function serverDriftAlert(server: ServerFacts, problems: readonly string[]): Alert {
  return {
    kind: "server.drift",
    tenantId: server.tenantId,
    text: `${serverLabel(server)}: its firewall was changed outside Gatehouse and was repaired (${problems.slice(0, 3).join("; ") || "drift"})`,
    details: { ...serverDetails(server), problems },
  };
}

export function serverRolledBackAlert(server: ServerFacts, rolledBack: unknown): Alert {
  return {
    kind: "server.rolled_back",
    tenantId: server.tenantId,
    text: `${serverLabel(server)} rolled a firewall change back: the change cut the agent off from the control plane`,
    details: { ...serverDetails(server), rolledBack },
  };
}

export function fqdnUnresolvedAlert(server: ServerFacts, fqdns: readonly { fqdn: string; error: string }[]): Alert {
  return {
    kind: "server.fqdn_unresolved",
    tenantId: server.tenantId,
    text: `${serverLabel(server)} cannot resolve ${fqdns.map((item) => item.fqdn).join(", ")}: ${fqdns.length === 1 ? "it is" : "they are"} left out of the allowlist`,
    details: { ...serverDetails(server), unresolved: fqdns },
  };
}

export function travelerLockedOutAlert(tenantId: string | null, what: string, details: Record<string, unknown>): Alert {
  return { kind: "traveler.locked_out", tenantId, text: what, details };
}

export function operatorLockedOutAlert(tenantId: string | null, email: string, minutes: number): Alert {
  return {
    kind: "operator.locked_out",
    tenantId,
    text: `sign-ins as ${email} are refused for ${minutes} minutes after repeated wrong passwords`,
    details: { email, minutes },
  };
}

export function testAlert(ruleName: string, tenantId: string | null): Alert {
  return { kind: "alert.test", tenantId, text: `Gatehouse test alert for the rule "${ruleName}": this channel works`, details: { rule: ruleName } };
}

/** The mail subject of an alert. */
export function alertSubject(alert: Pick<Alert, "kind" | "text">): string {
  const line = alert.text.length > 120 ? `${alert.text.slice(0, 117)}...` : alert.text;
  return `Gatehouse alert: ${line}`;
}
