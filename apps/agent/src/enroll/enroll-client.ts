// Trades a one-time enrollment token for this server's long-lived credential, at any of the
// control plane's replicas. node:http(s) rather than fetch: fetch cannot be given a private CA
// bundle per request.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { ENROLL_PATH, enrollResponseSchema, type EnrollRequest, type EnrollResponse } from "@gatehouse/protocol";
import { shownUrl } from "../state/control-plane-urls.ts";
import { UrlRotation } from "../sync/url-rotation.ts";

export class EnrollmentRefusedError extends Error {
  override readonly name = "EnrollmentRefusedError";
}

export interface EnrollOptions {
  url: string;
  request: EnrollRequest;
  ca?: Buffer;
  timeoutMs?: number;
}

interface HttpAnswer {
  status: number;
  body: string;
}

function postJson(url: URL, body: string, ca: Buffer | undefined, timeoutMs: number): Promise<HttpAnswer> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: timeoutMs,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 200);
}

export async function enrollAgent(options: EnrollOptions): Promise<EnrollResponse> {
  const url = new URL(ENROLL_PATH, options.url);
  const answer = await postJson(url, JSON.stringify(options.request), options.ca, options.timeoutMs ?? 15_000);
  if (answer.status >= 400 && answer.status < 500) {
    throw new EnrollmentRefusedError(`enrollment refused (HTTP ${answer.status}): ${errorText(answer.body)}`);
  }
  if (answer.status !== 200) throw new Error(`enrollment failed: HTTP ${answer.status} ${errorText(answer.body)}`);
  const parsed = enrollResponseSchema.safeParse(JSON.parse(answer.body));
  if (!parsed.success) throw new Error("enrollment failed: the control plane's answer has an unexpected shape");
  return parsed.data;
}

export interface EnrollAnyOptions extends Omit<EnrollOptions, "url"> {
  urls: readonly string[];
  /** [0, 1); picks the replica tried first (as the running agent does). Injectable for tests. */
  random?: () => number;
}

/**
 * Tries each replica once, from a random one on. A refusal (4xx) ends it at once: every replica
 * shares one database, so another would refuse the token too. Resolves with the replica that answered.
 */
export async function enrollAtAnyReplica(options: EnrollAnyOptions): Promise<{ url: string; answer: EnrollResponse }> {
  const { urls, random, ...rest } = options;
  if (urls.length === 1) return { url: urls[0]!, answer: await enrollAgent({ ...rest, url: urls[0]! }) };
  const rotation = new UrlRotation(urls, random);
  const failures: string[] = [];
  for (let tried = 0; tried < rotation.size; tried++, rotation.advance()) {
    const url = rotation.current;
    try {
      return { url, answer: await enrollAgent({ ...rest, url }) };
    } catch (error) {
      if (error instanceof EnrollmentRefusedError) throw error;
      failures.push(`${shownUrl(url)}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no control-plane replica answered: ${failures.join("; ")}`);
}
