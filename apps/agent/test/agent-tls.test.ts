import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enrollAgent } from "../src/enroll/enroll-client.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, hubAt, ip, makeAgent, tempStateDir } from "./agent-fixture.ts";

describe("an agent talking to a control plane behind a private CA (wss)", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let ca: Buffer;
  let certDir: string;

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), "gatehouse-tls-"));
    const key = join(certDir, "key.pem");
    const cert = join(certDir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=gatehouse-test", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    ca = await readFile(cert);
    hub = new FakeHub(desiredState([ip("192.0.2.10")]));
    hub.tls = { key: await readFile(key, "utf8"), cert: ca.toString("utf8") };
    hub.enrollmentTokens.add("tls-enrollment-token-0123456789");
    await hub.start();
    dns = new TestDnsServer();
    await dns.start();
  });
  afterAll(async () => {
    await hub.stop();
    await dns.stop();
    await rm(certDir, { recursive: true, force: true });
  });

  it("enrolls and syncs over https/wss when given the CA, and refuses to trust the server without it", async () => {
    await expect(enrollAgent({ url: hub.url, request: { token: "tls-enrollment-token-0123456789", hostname: "pbx", agentVersion: "test" } })).rejects.toThrow();
    const enrolled = await enrollAgent({ url: hub.url, ca, request: { token: "tls-enrollment-token-0123456789", hostname: "pbx", agentVersion: "test" } });
    expect(enrolled.credential).toBe(hub.credential);

    const untrusting = await tempStateDir();
    const withoutCa = await makeAgent(untrusting.paths, hubAt(hub), dns);
    await withoutCa.runtime.start();
    const trusting = await tempStateDir();
    const withCa = await makeAgent(trusting.paths, hubAt(hub), dns, { ca });
    await withCa.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(withCa.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    // Meanwhile the untrusting agent has retried many times (20 ms backoff), never getting in.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(withoutCa.backend.live).toBeNull();
    expect(hub.connections).toBe(1);
    await withoutCa.runtime.stop();
    await withCa.runtime.stop();
    await untrusting.cleanup();
    await trusting.cleanup();
  });
});
