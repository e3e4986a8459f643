// What an operator sees when something is missing or wrong before any allowlist is touched:
// one clear line on stderr and a non-zero exit; and `--help` on every command.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/program.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";
import { buildGatehouseBundle, freshHome, runGatehouse as runBinary, WORKSPACE_BIN, type RunOptions, type RunResult } from "./run-gatehouse.ts";

let bin: string;

function gatehouse(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runBinary(args, { bin, ...options, env: { HOME: freshHome(), XDG_CONFIG_HOME: undefined, ...options.env } });
}

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP server that is not a control plane, remembering the headers it was sent. */
async function startOtherWebServer(): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(404, { "content-type": "text/html" }).end("<!DOCTYPE html><title>Not Found</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let other: Awaited<ReturnType<typeof startOtherWebServer>>;

beforeAll(async () => {
  [bin, other] = await Promise.all([buildGatehouseBundle(), startOtherWebServer()]);
});

afterAll(() => {
  other?.server.close();
  removeTemporaryDirs();
});

describe("gatehouse, when it cannot do what was asked", () => {
  it("says where to configure the control plane when none is set", async () => {
    const result = await gatehouse(["list"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("gatehouse: no control plane configured: set GATEHOUSE_URL (e.g. https://gatehouse.example.net) or run `gatehouse login --url URL`\n");
  });

  it("says how to sign in when there is no token", async () => {
    const result = await gatehouse(["list"], { env: { GATEHOUSE_URL: other.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gatehouse: not signed in to ${other.url}: set GATEHOUSE_TOKEN or run \`gatehouse login\`\n`);
    expect(other.seen).toHaveLength(0);
  });

  it("says where it tried when the control plane is unreachable", async () => {
    const port = await closedPort();
    const result = await gatehouse(["status"], { env: { GATEHOUSE_URL: `http://127.0.0.1:${port}`, GATEHOUSE_TOKEN: "gh_token" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`gatehouse: cannot reach the control plane at http://127.0.0.1:${port}/trpc: connection refused (ECONNREFUSED)\n`);
    expect(result.stdout).toBe("");
  });

  it("says so when the URL answers but is not a Gatehouse control plane", async () => {
    const result = await gatehouse(["list", "--json"], { env: { GATEHOUSE_URL: other.url, GATEHOUSE_TOKEN: "gh_token" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^gatehouse: ${other.url}/trpc did not answer as a Gatehouse control plane \\(.+\\); check GATEHOUSE_URL\\n$`));
    expect(result.stdout).toBe("");
  });

  it("never sends a stored token to another control plane than the one that issued it", async () => {
    const home = freshHome();
    mkdirSync(join(home, ".config", "gatehouse"), { recursive: true });
    const stored = { url: "https://gatehouse.example.net", token: "gh_stored_secret", kind: "api-token", email: "ops@example.net", createdAt: new Date().toISOString() };
    writeFileSync(join(home, ".config", "gatehouse", "credentials.json"), JSON.stringify(stored), { mode: 0o600 });
    const before = other.seen.length;
    const result = await gatehouse(["list"], { env: { HOME: home, GATEHOUSE_URL: other.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gatehouse: not signed in to ${other.url} (the stored login is for https://gatehouse.example.net): set GATEHOUSE_TOKEN or run \`gatehouse login\`\n`);
    expect(other.seen.slice(before).map((headers) => headers.authorization)).toEqual([]);
  });

  it("refuses to ask for a password without a terminal, pointing to --password-stdin", async () => {
    const result = await gatehouse(["login", "--url", other.url, "--email", "ops@example.net"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("gatehouse: no terminal to ask the password: pipe it with --password-stdin\n");
  });

  it("explains a malformed --expires without contacting anyone", async () => {
    const result = await gatehouse(["allow", "198.51.100.7", "--fleet", "--services", "sip", "--expires", "next tuesday"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("gatehouse: --expires next tuesday: expected a duration like 30m, 12h, 7d, 2w or an ISO date like 2025-12-31 or 2025-12-31T18:00:00Z\n");
  });

  it("opens nothing by default: an allow without --services is refused before the control plane is asked", async () => {
    const env = { GATEHOUSE_URL: other.url, GATEHOUSE_TOKEN: "gh_token" };
    const asked = other.seen.length;
    for (const args of [["allow", "198.51.100.7", "--fleet"], ["add-ip", "198.51.100.7", "--server", "pbx1"], ["add-fqdn", "sip.example.net", "--tenant", "acme", "--services", " , "]]) {
      const result = await gatehouse(args, { env });
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toBe("gatehouse: choose the services with --services (e.g. --services sip,rtp; --services all opens SSH, HTTP, TFTP too)\n");
      expect(result.stdout).toBe("");
    }
    expect(other.seen).toHaveLength(asked);
  });

  it("reports usage mistakes with a non-zero exit", async () => {
    const unknown = await gatehouse(["list", "--colour"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown option '--colour'");
    const missing = await gatehouse(["add-ip"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: missing required argument 'source'");
    const twoScopes = await gatehouse(["allow", "198.51.100.7", "--fleet", "--tenant", "acme", "--services", "sip"], { env: { GATEHOUSE_URL: other.url, GATEHOUSE_TOKEN: "gh_token" } });
    expect(twoScopes.code).toBe(1);
    expect(twoScopes.stderr).toBe("gatehouse: choose one scope, not --tenant and --fleet\n");
  });
});

/** Every command path: ["servers", "add"], ["list"], ... */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe("gatehouse --help", () => {
  it("describes every command, each with --json among its options", async () => {
    const paths = [[], ...commandPaths(buildProgram())];
    expect(paths.length).toBeGreaterThan(15);
    const results = await Promise.all(paths.map((path) => gatehouse([...path, "--help"])));
    results.forEach((result, i) => {
      const path = paths[i]!.join(" ");
      expect(result.code, path).toBe(0);
      expect(result.stderr, path).toBe("");
      expect(result.stdout, path).toMatch(new RegExp(`^Usage: gatehouse${path ? ` ${path}` : ""}[ |]`));
      expect(result.stdout, path).toContain("--json");
    });
    expect(results[0]!.stdout).toMatch(/^\s+add-ip \[options\] <source>/m);
    expect(results[0]!.stdout).toMatch(/^\s+del-acct \[options\] <entry>/m);
  });

  it("also works from the workspace launcher that `pnpm exec gatehouse` runs", async () => {
    const result = await runBinary(["rules", "--help"], { bin: WORKSPACE_BIN, env: { HOME: freshHome() } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: gatehouse rules \[options\] <server>/);
  });
});
