#!/usr/bin/env node
// wasmvisor.js — the command-line entry point: runs the CLI compiled into dist/ by `npm run build:host`.
//
// Plain JavaScript so it runs without a TypeScript loader; all logic lives in host/cli/main.ts.

let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (err) {
  // A fresh checkout has no dist/ yet: say how to fix it instead of printing a module-resolution stack.
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
    process.stderr.write("wasmvisor: host not built: run npm run build\n");
    process.exit(3);
  }
  throw err;
}
process.exit(await cli.main(process.argv.slice(2)));
