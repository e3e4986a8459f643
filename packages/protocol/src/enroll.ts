// Enrollment over HTTP: POST ENROLL_PATH trades a one-time token for a per-server credential.
import { z } from "zod";

export const enrollRequestSchema = z.object({
  token: z.string().min(16).max(256),
  hostname: z.string().min(1).max(255),
  agentVersion: z.string().max(64),
});

export const enrollResponseSchema = z.object({
  serverId: z.string().min(1).max(64),
  credential: z.string().min(32).max(256),
});

export type EnrollRequest = z.infer<typeof enrollRequestSchema>;
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
