// The console is plain static files in dist/, served by the control plane on the same origin
// as the tRPC API (/trpc), so no proxy or CORS is involved in production. `vite` (dev) proxies
// /trpc to a control plane on GATEHOUSE_DEV_API (default http://127.0.0.1:8080).
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  // React's automatic JSX runtime via Vite's own (oxc) transform; no React plugin needed
  // (Fast Refresh is the only thing it would add).
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
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
