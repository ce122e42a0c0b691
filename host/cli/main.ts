// main.ts — the wasmvisor command: parse arguments, load the guest, run it, report, return the exit status.
//
// Exit statuses (also in `wasmvisor run --help`): 0 pass; 1 the guest failed, ran out of budget
// or hit an error; 2 bad command line or input file; 3 wasmvisor itself could not run.
// Guest console output (and --help / --version) goes to stdout untouched, so it can be piped and
// compared; everything wasmvisor says about a run goes to stderr, and a problem with the input is
// always exactly one line `wasmvisor: <problem>`.
import { readFile } from "node:fs/promises";
import { BusError } from "../devices/bus.js";
import { BootError } from "../boot/errors.js";
import { CoreModuleError } from "../backends/node/core-file.js";
import { GuestMemoryError } from "../core/guest-memory.js";
import { parseArgs, UsageError } from "./args.js";
import { EXIT_GUEST_FAILED, EXIT_PASS, runCommand, type CliIo } from "./run.js";

export { EXIT_GUEST_FAILED, EXIT_PASS, type CliIo };
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

const processIo: CliIo = {
  stdout: (bytes) => void process.stdout.write(bytes),
  stderr: (text) => void process.stderr.write(text),
  interactive: true,
};

/** Run the CLI; resolves to the process exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case "help": // asked for, so it is output (stdout), not a diagnostic
        io.stdout(new TextEncoder().encode(command.text));
        return EXIT_PASS;
      case "version":
        io.stdout(new TextEncoder().encode(`wasmvisor ${await readVersion()}\n`));
        return EXIT_PASS;
      case "run":
        return await runCommand(command, io);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof BootError ||
        err instanceof BusError || err instanceof GuestMemoryError) {
      io.stderr(`wasmvisor: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof CoreModuleError) {
      io.stderr(`wasmvisor: ${err.message}\n`);
      return EXIT_INTERNAL;
    }
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr(`wasmvisor: internal error: ${text}\n`);
    return EXIT_INTERNAL;
  }
}

async function readVersion(): Promise<string> {
  // package.json sits two levels up from both host/cli/ (source) and dist/cli/ (compiled).
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  const pkg: unknown = JSON.parse(text);
  if (typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string") return pkg.version;
  return "unknown";
}
