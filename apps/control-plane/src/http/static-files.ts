// The web console's static files (apps/web/dist), served from the control plane's own origin so
// the console's session cookie is SameSite=Strict and no CORS is needed. Paths without a file
// extension fall back to index.html (the console routes in the browser).
//
// Text files (HTML, scripts, styles, SVG) go out brotli- or gzip-compressed as the browser asks
// (Vary: Accept-Encoding). The console's build writes file.br and file.gz beside each file
// (apps/web/vite.config.ts); a build without them (WEB_DIST_DIR) is compressed here, once per
// file on its first request. Either way the bytes are kept in memory until the file changes
// (its size or mtime). Source maps are never served, even when a build left some in the
// directory: they are the console's source; nor are the .br/.gz copies by their own names.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
import { chooseEncoding, type BodyEncoding } from "./content-encoding.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Formats that are already compressed (PNG, WOFF2) gain nothing from another pass. */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".webmanifest", ".ico"]);
/** Below this, the encoding's own framing eats what it saves. */
const MIN_COMPRESS_BYTES = 512;
/** A file this large is no console asset; stream it as it is rather than hold it in memory. */
const MAX_COMPRESS_BYTES = 16 * 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

const compressWithBrotli = promisify(brotliCompress);
const compressWithGzip = promisify(gzip);

interface StaticFile {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Compressed {
  size: number;
  mtimeMs: number;
  bodies: Partial<Record<Exclude<BodyEncoding, "identity">, Promise<Buffer>>>;
}

const compressedFiles = new Map<string, Compressed>();

async function fileAt(path: string): Promise<StaticFile | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

function compress(bytes: Buffer, encoding: Exclude<BodyEncoding, "identity">): Promise<Buffer> {
  if (encoding === "gzip") return compressWithGzip(bytes, { level: 9 });
  return compressWithBrotli(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
}

/** The file's bytes in `encoding`, compressed on first use and kept while the file is unchanged. */
function compressedBody(file: StaticFile, encoding: Exclude<BodyEncoding, "identity">): Promise<Buffer> {
  let entry = compressedFiles.get(file.path);
  if (!entry || entry.size !== file.size || entry.mtimeMs !== file.mtimeMs) {
    entry = { size: file.size, mtimeMs: file.mtimeMs, bodies: {} };
    compressedFiles.set(file.path, entry);
  }
  const cached = entry.bodies[encoding];
  if (cached) return cached;
  const body = precompressed(file, encoding).then(async (ready) => ready ?? compress(await readFile(file.path), encoding));
  entry.bodies[encoding] = body;
  // A failed read (the file went away mid-build) is not remembered: the next request tries again.
  body.catch(() => {
    if (entry.bodies[encoding] === body) delete entry.bodies[encoding];
  });
  return body;
}

const SIDECAR: Record<Exclude<BodyEncoding, "identity">, string> = { br: ".br", gzip: ".gz" };

/** The build's own compressed copy, when it is there and not older than the file. */
async function precompressed(file: StaticFile, encoding: Exclude<BodyEncoding, "identity">): Promise<Buffer | null> {
  const sidecar = await fileAt(file.path + SIDECAR[encoding]);
  if (sidecar === null || sidecar.mtimeMs < file.mtimeMs) return null;
  return readFile(sidecar.path);
}

function isCompressible(file: StaticFile): boolean {
  return COMPRESSIBLE.has(extname(file.path)) && file.size >= MIN_COMPRESS_BYTES && file.size <= MAX_COMPRESS_BYTES;
}

async function findFile(root: string, pathname: string): Promise<StaticFile | null> {
  const base = resolve(root);
  const candidate = resolve(join(base, normalize(pathname)));
  if (candidate !== base && !candidate.startsWith(base + sep)) return null; // outside the root
  if ([".map", ".br", ".gz"].includes(extname(candidate).toLowerCase())) return null;
  return (await fileAt(candidate)) ?? (await fileAt(join(candidate, "index.html"))) ?? (extname(pathname) === "" ? await fileAt(join(base, "index.html")) : null);
}

function pathnameOf(req: IncomingMessage): string | null {
  try {
    return decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    return null;
  }
}

/** Serves GET/HEAD from `root`; false = not a file here (the caller answers 404). */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const pathname = pathnameOf(req);
  if (pathname === null) return false;
  const file = await findFile(root, pathname);
  if (file === null) return false;
  const compressible = isCompressible(file);
  const encoding = compressible ? chooseEncoding(req.headers["accept-encoding"]) : "identity";
  let body: Buffer | null = null;
  if (encoding !== "identity") {
    try {
      body = await compressedBody(file, encoding);
    } catch {
      return false; // gone between stat and read
    }
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": CONTENT_TYPES[extname(file.path)] ?? "application/octet-stream",
    "content-length": body ? body.length : file.size,
    "cache-control": file.path.includes(`${sep}assets${sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
    ...(compressible ? { vary: "accept-encoding" } : {}),
    ...(body ? { "content-encoding": encoding } : {}),
  });
  if (req.method === "HEAD") res.end();
  else if (body) res.end(body);
  else createReadStream(file.path).pipe(res);
  return true;
}
