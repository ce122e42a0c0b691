// core-file.ts — Node backend: compile the Wasm core from build/wasmvisor.wasm on disk.
//
// The path is resolved against this module's own URL, not the working directory, so the CLI
// works from any directory. "../../../build/" is right from both places this file runs:
// host/backends/node/ (source, under vitest/tsx) and dist/backends/node/ (compiled by
// tsconfig.build.json with rootDir host), since both sit three levels below the package root.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** Where the release build of the core lands (asconfig.json "release" target). */
export const DEFAULT_CORE_URL = new URL("../../../build/wasmvisor.wasm", import.meta.url);

/** The core file is missing or is not a valid Wasm module. */
export class CoreModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CoreModuleError";
  }
}

let defaultModule: Promise<WebAssembly.Module> | undefined;

/**
 * Read and compile the core. `location` overrides the default (e.g. the debug build). The
 * default build is compiled once per process: every VM can share one WebAssembly.Module.
 */
export function loadCoreModule(location?: URL | string): Promise<WebAssembly.Module> {
  if (location !== undefined) return compileCoreFile(location);
  defaultModule ??= compileCoreFile(DEFAULT_CORE_URL);
  defaultModule.catch(() => (defaultModule = undefined)); // a failed build may be fixed and retried
  return defaultModule;
}

async function compileCoreFile(location: URL | string): Promise<WebAssembly.Module> {
  const path = location instanceof URL ? fileURLToPath(location) : location;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (isErrnoException(err) && err.code === "ENOENT") {
      throw new CoreModuleError(`Wasm core not built: run npm run build (missing ${path})`);
    }
    throw new CoreModuleError(`cannot read Wasm core ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    // A half-written or stale file from an interrupted build: rebuilding is the fix.
    const why = err instanceof Error ? err.message : String(err);
    throw new CoreModuleError(`Wasm core ${path} does not compile (${why}): run npm run build`);
  }
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}
