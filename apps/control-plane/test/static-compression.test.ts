// The console's files travel compressed: brotli when the browser takes it, gzip otherwise, as
// they are when it takes neither; every answer says Vary: Accept-Encoding so a cache in between
// never hands brotli to a browser that asked for gzip; the build's own .br/.gz copies are used
// when they are current. Source maps are not served, even when a build left one beside the bundle. A real HTTP listener over real files in a temporary dist/.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseEncoding } from "../src/http/content-encoding.ts";
import { serveStatic } from "../src/http/static-files.ts";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const script = `export const rows = [${Array.from({ length: 2000 }, (_, i) => `{ id: ${i}, name: "pbx-${i}" }`).join(", ")}];\n`;

describe("the console's static files", () => {
  const dist = mkdtempSync(join(tmpdir(), "gatehouse-dist-"));
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(dist, "index.html"), `<!doctype html><title>Gatehouse</title>${"<p>console</p>".repeat(100)}`);
    writeFileSync(join(dist, "app.js"), script);
    writeFileSync(join(dist, "app.js.map"), JSON.stringify({ version: 3, sources: ["src/secret.ts"], sourcesContent: ["const x = 1;"] }));
    writeFileSync(join(dist, "logo.png"), Buffer.alloc(4096, 7));
    server = createServer((req, res) => {
      void serveStatic(dist, req, res).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dist, { recursive: true, force: true });
  });

  function get(path: string, acceptEncoding?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers = acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding };
      const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("sends brotli to a browser that takes it, smaller than the file and the same bytes once decoded", async () => {
    const answer = await get("/app.js", "gzip, deflate, br, zstd");
    expect(answer.headers["content-encoding"]).toBe("br");
    expect(answer.headers.vary).toBe("accept-encoding");
    expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
    expect(answer.body.length).toBeLessThan(Buffer.byteLength(script) / 4);
    expect(brotliDecompressSync(answer.body).toString()).toBe(script);
  });

  it("sends gzip to one that takes gzip only, and the plain file to one that takes nothing", async () => {
    const gzipped = await get("/app.js", "gzip");
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipped.body).toString()).toBe(script);

    const plain = await get("/app.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("accept-encoding");
    expect(plain.body.toString()).toBe(script);
  });

  it("compresses the page the console's routes fall back to", async () => {
    const answer = await get("/servers/some-id", "br");
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(brotliDecompressSync(answer.body).toString()).toContain("<title>Gatehouse</title>");
  });

  it("sends a file changed on disk anew, not the compressed copy of the old one", async () => {
    await get("/app.js", "br");
    const changed = script.replace("pbx-1\"", "pbx-one\"");
    writeFileSync(join(dist, "app.js"), changed);
    expect(brotliDecompressSync((await get("/app.js", "br")).body).toString()).toBe(changed);
    writeFileSync(join(dist, "app.js"), script);
  });

  it("sends the build's own compressed copy when it has one, and compresses itself when that copy is older than the file", async () => {
    const page = join(dist, "page.js");
    const built = `${script}// as built\n`;
    writeFileSync(page, built);
    // The build's copy is marked, so the answer shows which bytes went out.
    writeFileSync(`${page}.br`, brotliCompressSync(`${built}// precompressed\n`));
    expect(brotliDecompressSync((await get("/page.js", "br")).body).toString()).toBe(`${built}// precompressed\n`);
    expect((await get("/page.js.br", "br")).status).toBe(404);

    const old = new Date(Date.now() - 60_000);
    utimesSync(`${page}.br`, old, old);
    writeFileSync(page, `${built}// edited\n`);
    expect(brotliDecompressSync((await get("/page.js", "br")).body).toString()).toBe(`${built}// edited\n`);
  });

  it("leaves already-compressed images as they are", async () => {
    const answer = await get("/logo.png", "br, gzip");
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(answer.headers.vary).toBeUndefined();
    expect(answer.body.length).toBe(4096);
  });

  it("never serves a source map, even one left in the directory", async () => {
    expect((await get("/app.js.map", "br")).status).toBe(404);
  });
});

describe("which encoding a browser gets", () => {
  it.each([
    ["gzip, deflate, br", "br"],
    ["br;q=0.5, gzip", "gzip"],
    ["gzip;q=0, br;q=0", "identity"],
    ["br;q=0, *", "gzip"],
    ["*;q=0", "identity"],
    ["identity", "identity"],
    ["", "identity"],
    ["GZIP", "gzip"],
    ["deflate", "identity"],
  ] as const)("Accept-Encoding %j -> %s", (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
