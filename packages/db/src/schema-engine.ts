// Prisma's schema engine (the part behind `prisma migrate`) as WebAssembly, driven through a
// driver adapter. The package's main entry does `import * as wasm from "./x.wasm"`, which
// Node 20 only allows behind --experimental-wasm-modules; so we load the .wasm bytes
// ourselves and hand the instance to the package's own wasm-bindgen glue. No flags needed.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

// The project's lib settings (ES2023, Node types) do not declare WebAssembly; this is the
// part of it used here.
interface WasmInstantiator {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmInstantiator };

let loaded: Promise<void> | undefined;

/** Instantiates the engine's WebAssembly once per process. */
function loadEngineWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    // The wasm imports every wasm-bindgen shim from the glue module under this name.
    const { instance } = await wasmApi.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/**
 * Runs `work` with a schema engine connected through `adapterFactory` and frees it after.
 * The factory must be wrapped by bindMigrationAwareSqlAdapterFactory (done here): the engine
 * reads driver errors from the wrapper's registry and fails obscurely without it.
 */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: SchemaFile,
  work: (engine: SchemaEngine) => Promise<T>,
  onLog: (message: string) => void = () => {},
): Promise<T> {
  await loadEngineWasm();
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (message: string) => onLog(message),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
  }
}
