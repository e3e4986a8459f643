export type { AppliedSummary, BackendName, BackendOptions, DriftReport, FirewallBackend } from "./backend.ts";
export { CommandError, CommandRunner, type CommandResult, type CommandRunnerOptions, type RunOptions } from "./command-runner.ts";
export { DryRunBackend, type DryRunRecord } from "./dry-run-backend.ts";
export { IptablesBackend, type IptablesBackendOptions } from "./iptables-backend.ts";
export { NftablesBackend } from "./nftables-backend.ts";
export type { FirewallLogger } from "./logger.ts";
