// Drop telemetry in a report: per interval, who knocked on closed ports and which ports they
// tried. Bounded on the wire as in the agent (core's KNOCK_LIMITS): a compromised agent cannot
// make the control plane store more than this per report.
import { z } from "zod";

const knockPortSchema = z.strictObject({
  protocol: z.enum(["tcp", "udp"]),
  port: z.number().int().min(0).max(65535),
  packets: z.number().int().min(1),
});

const knockSourceSchema = z.strictObject({
  /** An IPv4 or IPv6 address as the kernel printed it. */
  source: z.union([z.ipv4(), z.ipv6()]),
  packets: z.number().int().min(1),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  ports: z.array(knockPortSchema).min(1).max(16),
  portsTried: z.number().int().min(1).max(1_000_000),
});

export const knockIntervalSchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Every source that knocked, and all their packets, also beyond the top. */
  sources: z.number().int().min(0),
  packets: z.number().int().min(0),
  top: z.array(knockSourceSchema).max(50),
});

/** Intervals a report may carry (those the link missed come with the next one). */
export const KNOCK_INTERVALS_PER_REPORT = 6;

export type KnockIntervalMessage = z.infer<typeof knockIntervalSchema>;
