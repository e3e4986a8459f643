// How a command gets its firewall backend: chosen by flag, or detected from what the host
// already uses ("auto"). The real factory lives in ../firewall-choice.ts; tests pass fakes.
import type { Logger } from "pino";
import type { FirewallBackend } from "../firewall/backend.ts";

export const BACKEND_CHOICES = ["auto", "iptables", "nftables", "dry-run"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendRequest {
  choice: BackendChoice;
  /** Run every firewall command inside this network namespace (tests). */
  netns?: string;
  logger: Logger;
}

export type BackendFactory = (request: BackendRequest) => Promise<FirewallBackend>;

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`unknown backend "${value}" (choose ${BACKEND_CHOICES.join(", ")})`);
}
