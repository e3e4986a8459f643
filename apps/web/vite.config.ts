// The console is plain static files in dist/, served by the control plane on the same origin
// as the tRPC API (/trpc), so no proxy or CORS is involved in production. `vite` (dev) proxies
// /trpc to a control plane on GATEHOUSE_DEV_API (default http://127.0.0.1:8080).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const outDir = join(import.meta.dirname, "dist");

/**
 * Writes file.br and file.gz beside each text file of the build, at the strongest settings
 * (brotli 11 takes a second or two for the bundle: here, once, instead of on a visitor's first
 * request). The control plane serves them as Accept-Encoding asks (static-files.ts), and
 * compresses files of a build without them itself.
 */
function precompress(): Plugin {
  // The resolved outDir, not the default: the test kit builds into a temporary one (--outDir).
  let builtDir = outDir;
  const compressible = new Set([".html", ".js", ".css", ".svg", ".json", ".txt", ".ico"]);
  const filesIn = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesIn(join(dir, entry.name)) : [join(dir, entry.name)]));
  return {
    name: "gatehouse-precompress",
    apply: "build",
    configResolved(config) {
      builtDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of filesIn(builtDir).filter((path) => compressible.has(extname(path)) && statSync(path).size >= 512)) {
        const bytes = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  // React's automatic JSX runtime via Vite's own (oxc) transform; no React plugin needed
  // (Fast Refresh is the only thing it would add).
  oxc: { jsx: { runtime: "automatic" } },
  plugins: [precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // No source maps in the build: served, they would publish the console's source, and
    // static-files.ts refuses *.map anyway. Debug with `pnpm --filter @gatehouse/web dev`.
    sourcemap: false,
    rollupOptions: {
      // TanStack Query marks modules "use client" for React Server Components; meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: { "/trpc": process.env.GATEHOUSE_DEV_API ?? "http://127.0.0.1:8080" },
  },
});
