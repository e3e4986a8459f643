// The order in which an agent tries control-plane replicas, pinned with an injected random draw,
// over real HTTP listeners: the link after each failed attempt, enrollment until one answers. A
// refused credential or token at one replica ends it there (every replica shares one database).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { access } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { enrollCommand } from "../src/commands/enroll-command.ts";
import { EnrollmentRefusedError } from "../src/enroll/enroll-client.ts";
import { ConfigError, loadAgentConfig, type StatePaths } from "../src/state/state-dir.ts";
import { HubLink } from "../src/sync/hub-link.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, tempStateDir } from "./agent-fixture.ts";

/** A replica that answers every WebSocket upgrade and enrollment with `status`, noting each try in `tried`. */
async function replicaAnswering(name: string, status: number, tried: string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    tried.push(name);
    req.resume();
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: `${name} says ${status}` }));
  });
  server.on("upgrade", (_req, socket) => {
    tried.push(name);
    socket.end(`HTTP/1.1 ${status} Nope\r\nConnection: close\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A URL nothing listens on (connection refused). */
async function deadUrl(): Promise<string> {
  const { url, server } = await replicaAnswering("dead", 500, []);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

describe("an agent trying control-plane replicas in turn", () => {
  const servers: Server[] = [];
  const hubs: FakeHub[] = [];
  let tried: string[];
  let logLines: string[];
  let links: HubLink[];
  let paths: StatePaths;
  let cleanup: () => Promise<void>;
  const out = { print: () => undefined, warn: () => undefined };

  beforeEach(async () => {
    tried = [];
    logLines = [];
    links = [];
    ({ paths, cleanup } = await tempStateDir());
  });

  afterEach(async () => {
    for (const link of links) link.stop();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    for (const hub of hubs.splice(0)) await hub.stop();
    await cleanup();
  });

  const replicas = async (answers: Record<string, number>) => {
    const started = await Promise.all(Object.entries(answers).map(([name, status]) => replicaAnswering(name, status, tried)));
    servers.push(...started.map((r) => r.server));
    return started.map((r) => r.url);
  };
  const link = (urls: string[], random: number, onRefused: (message: string) => void = () => undefined) => {
    const made = new HubLink({
      urls,
      random: () => random,
      credential: "secret-credential-".padEnd(48, "x"),
      heartbeatTimeoutMs: 5000,
      backoff: { baseMs: 5, capMs: 10, random: () => 0.5 },
      logger: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
      hello: () => ({ type: "hello", protocolVersion: 1, agentVersion: "test", backend: "dry-run" }),
      onMessage: () => undefined,
      onChange: () => undefined,
      onRefused,
    });
    links.push(made);
    return made;
  };

  it("tries the replicas in the order the random draw shuffles them, one after each failed attempt, round after round", async () => {
    const urls = await replicas({ a: 503, b: 503, c: 503 });
    link(urls, 0.5).start(); // a draw of 0.5 shuffles a, b, c to c, a, b
    await vi.waitFor(() => expect(tried.length).toBeGreaterThanOrEqual(5), 10_000);
    links[0]!.stop();
    expect(tried.slice(0, 5)).toEqual(["c", "a", "b", "c", "a"]);
    const logged = logLines.map((line) => JSON.parse(line) as { msg: string; url: string; nextUrl: string });
    expect(logged.slice(0, 2)).toMatchObject([
      { msg: "cannot reach the control plane; retrying", url: urls[2], nextUrl: urls[0] },
      { msg: "cannot reach the control plane; retrying", url: urls[0], nextUrl: urls[1] },
    ]);
    expect(logLines.join("")).not.toContain("secret-credential");
  });

  it("a refused credential at one replica stops the agent there; it does not try the others", async () => {
    const urls = await replicas({ a: 503, b: 401, c: 503 });
    const refused = new Promise<string>((resolve) => link(urls, 0, resolve).start());
    expect(await refused).toMatch(/refused this agent's credential \(HTTP 401\)/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tried).toEqual(["a", "b"]);
  });

  it("enrolls at the next replica when the first cannot be reached, and keeps every URL", async () => {
    const hub = new FakeHub(desiredState([]));
    hub.enrollmentTokens.add("token-0123456789abcdef");
    await hub.start();
    hubs.push(hub);
    const urls = [await deadUrl(), hub.url];
    await enrollCommand({ url: urls.join(", "), token: "token-0123456789abcdef", stateDir: paths.dir, random: () => 0 }, out);
    expect(await loadAgentConfig(paths)).toMatchObject({ url: urls.join(","), credential: hub.credential });
  });

  it("a token refused at one replica is not offered to the others, and nothing is stored", async () => {
    const [refusing] = await replicas({ a: 401 });
    const hub = new FakeHub(desiredState([]));
    hub.enrollmentTokens.add("token-0123456789abcdef");
    await hub.start();
    hubs.push(hub);
    const enrolling = enrollCommand({ url: `${refusing},${hub.url}`, token: "token-0123456789abcdef", stateDir: paths.dir, random: () => 0 }, out);
    await expect(enrolling).rejects.toThrow(EnrollmentRefusedError);
    expect(hub.enrollmentTokens.has("token-0123456789abcdef"), "the second replica never saw the token").toBe(true);
    await expect(access(paths.config)).rejects.toThrow();
  });

  it("says what each replica answered when none did", async () => {
    const urls = [await deadUrl(), ...(await replicas({ b: 502 }))];
    const enrolling = enrollCommand({ url: urls.join(","), token: "token-0123456789abcdef", stateDir: paths.dir, random: () => 0 }, out);
    await expect(enrolling).rejects.toThrow(new RegExp(`^no control-plane replica answered: ${urls[0]}: .*ECONNREFUSED.*; ${urls[1]}: enrollment failed: HTTP 502 b says 502$`));
    await expect(access(paths.config)).rejects.toThrow();
  });

  it("a bad URL in the list is refused before any replica is contacted", async () => {
    const urls = await replicas({ a: 200 });
    const enrolling = enrollCommand({ url: `${urls[0]},htps//typo.example.net`, token: "token-0123456789abcdef", stateDir: paths.dir }, out);
    await expect(enrolling).rejects.toThrow(new ConfigError('--url: "htps//typo.example.net" (URL 2 of 2) is not a URL'));
    expect(tried).toEqual([]);
    await expect(access(paths.config)).rejects.toThrow();
  });
});
