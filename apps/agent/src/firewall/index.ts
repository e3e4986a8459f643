export type { FirewallBackend } from "./backend.ts";
export { CommandRunner } from "./command-runner.ts";
export { DryRunBackend } from "./dry-run-backend.ts";
export { IptablesBackend } from "./iptables-backend.ts";
export { NftablesBackend } from "./nftables-backend.ts";
