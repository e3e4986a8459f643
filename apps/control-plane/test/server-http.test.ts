// The control plane's one HTTP server: health and metrics, extensions that add routes and take
// WebSocket upgrades (how the agent hub and the traveler page plug in), and the web console's
// static files with its browser-side routes.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import type { HttpExtension } from "../src/extension.ts";
import { createLogger } from "../src/logger.ts";
import { startControlPlane, type ControlPlane } from "../src/server.ts";
import { testEnv } from "./kit/index.ts";

/** A text frame's payload: ws hands every frame over as bytes. */
function textOf(data: WebSocket.RawData): string {
  return new TextDecoder().decode(Array.isArray(data) ? Buffer.concat(data) : data);
}

describe("the control plane's HTTP server", () => {
  let db: TestDatabase;
  let plane: ControlPlane;
  let webDir: string;
  const closed: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(testDatabaseKinds()[0]);
    webDir = await mkdtemp(join(tmpdir(), "gatehouse-web-"));
    await mkdir(join(webDir, "assets"));
    await writeFile(join(webDir, "index.html"), "<!doctype html><title>Gatehouse</title>");
    await writeFile(join(webDir, "assets", "app-1234.js"), "console.log('console');");

    const echo = new WebSocketServer({ noServer: true });
    echo.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo ${textOf(data)}`)));
    const echoExtension: HttpExtension = {
      handleUpgrade(req, socket, head) {
        if (req.url !== "/echo") return false;
        echo.handleUpgrade(req, socket, head, (ws) => echo.emit("connection", ws, req));
        return true;
      },
      close: () => {
        closed.push("echo");
        echo.close();
      },
    };
    plane = await startControlPlane(testEnv({ METRICS_TOKEN: "metrics-secret-for-tests" }), {
      prisma: db.prisma,
      logger: createLogger("silent"),
      print: () => undefined,
      webDistDir: webDir,
      startSweeper: false,
      extensions: [
        () => echoExtension,
        ({ app }) => ({
          handleRequest(req, res) {
            if (req.url !== "/t/hello") return false;
            res.writeHead(200, { "content-type": "text/plain" }).end(`hello from ${app.publicUrl()}`);
            return true;
          },
          close: () => void closed.push("hello"),
        }),
      ],
    });
  });
  afterAll(async () => {
    await plane.close();
    expect(closed).toEqual(["hello", "echo"]);
    await db.drop();
    await rm(webDir, { recursive: true, force: true });
  });

  it("answers /healthz after checking the database", async () => {
    const response = await fetch(`${plane.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("serves Prometheus metrics to holders of the metrics token", async () => {
    await fetch(`${plane.url}/trpc/auth.me`);
    expect((await fetch(`${plane.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${plane.url}/metrics`, { headers: { authorization: "Bearer metrics-secret-for-tests" } });
    const text = await response.text();
    expect(text).toContain('gatehouse_api_calls_total{path="auth.me",type="query",code="OK"} 1');
    expect(text).toContain("gatehouse_revisions_published_total");
    expect(text).toContain("process_cpu_seconds_total");
  });

  it("routes requests and WebSocket upgrades to extensions, and refuses unknown upgrades", async () => {
    expect(await (await fetch(`${plane.url}/t/hello`)).text()).toBe(`hello from ${plane.url}`);
    const socket = new WebSocket(`${plane.url.replace("http", "ws")}/echo`);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.once("open", () => socket.send("ping"));
      socket.once("message", (data) => resolve(textOf(data)));
      socket.once("error", reject);
    });
    socket.close();
    expect(reply).toBe("echo ping");
    const refused = new WebSocket(`${plane.url.replace("http", "ws")}/nowhere`);
    const status = await new Promise<number>((resolve) => {
      refused.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      refused.once("error", () => resolve(-1));
    });
    expect(status).toBe(404);
  });

  it("takes extensions registered while running", async () => {
    plane.register({
      handleRequest(req, res) {
        if (req.url !== "/late") return false;
        res.writeHead(204).end();
        return true;
      },
    });
    expect((await fetch(`${plane.url}/late`)).status).toBe(204);
  });

  it("serves the web console, its routes, and nothing outside its folder", async () => {
    const index = await fetch(`${plane.url}/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("x-frame-options")).toBe("DENY");
    expect(await index.text()).toContain("<title>Gatehouse</title>");
    expect(await (await fetch(`${plane.url}/servers/1234`)).text()).toContain("<title>Gatehouse</title>");
    const asset = await fetch(`${plane.url}/assets/app-1234.js`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${plane.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${plane.url}/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${plane.url}/trpc/no.such.procedure`)).status).toBe(404);
  });
});
