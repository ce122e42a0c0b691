// main.ts — the wasmvisor command: parse arguments, load the guest, run it, report, return the exit status.
//
// Exit statuses (also in `wasmvisor run --help`): 0 pass; 1 the guest failed, ran out of budget
// or hit an error; 2 bad command line or input file; 3 wasmvisor itself could not run.
// Guest console output (and --help / --version) goes to stdout untouched, so it can be piped and
// compared; everything wasmvisor says about a run goes to stderr, and a problem with the input is
// always exactly one line `wasmvisor: <problem>`.
import { readFile } from "node:fs/promises";
import { RAM_BASE } from "../abi.js";
import { prepareBareMetal, runBareMetal, type BareMetalResult } from "../baremetal.js";
import { checkElfFitsRam, parseElf } from "../boot/elf.js";
import { BootError } from "../boot/errors.js";
import { CoreModuleError, loadCoreModule } from "../backends/node/core-file.js";
import { Vcpu } from "../vcpu.js";
import { parseArgs, UsageError, type RunCommand } from "./args.js";

export const EXIT_PASS = 0;
export const EXIT_GUEST_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

const MIB = 1024 * 1024;

/** Where output goes; tests can capture it, the default is the process's streams. */
export interface CliIo {
  /** Guest console bytes, and --help / --version text. */
  stdout(bytes: Uint8Array): void;
  /** wasmvisor's own messages, one or more whole lines. */
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (bytes) => void process.stdout.write(bytes),
  stderr: (text) => void process.stderr.write(text),
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
        return await run(command, io);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof BootError || err instanceof InputFileError) {
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

/** What `run` was asked to start. One place to change when `run` gains a built-in default guest. */
type Guest = { kind: "elf"; path: string };

function chooseGuest(command: RunCommand): Guest {
  if (command.elfPath !== undefined) return { kind: "elf", path: command.elfPath };
  throw new UsageError("nothing to run: give --elf FILE");
}

async function run(command: RunCommand, io: CliIo): Promise<number> {
  const guest = chooseGuest(command);
  const ramBytes = command.memoryMiB * MIB;

  // Validate the image against the RAM size before compiling the core: bad input is reported
  // as bad input even when the core is not built, and costs no VM.
  const image = parseElf(await readInputFile(guest.path));
  checkElfFitsRam(image, RAM_BASE, ramBytes);
  if (!image.symbols.has("tohost")) {
    io.stderr(`wasmvisor: note: ${guest.path} has no tohost symbol; it can only stop at an error or --max-insns\n`);
  }

  const vcpu = await Vcpu.create(await loadCoreModule(), ramBytes);
  const setup = prepareBareMetal(vcpu, image);
  const consoleOut = new ConsoleWriter(io);
  const result = runBareMetal(vcpu, {
    ...setup,
    ...(command.maxInsns !== undefined ? { maxInsns: command.maxInsns } : {}),
    onConsoleByte: (byte) => consoleOut.push(byte),
  });
  consoleOut.flush();
  return report(result, io);
}

function report(result: BareMetalResult, io: CliIo): number {
  let status: number;
  switch (result.outcome) {
    case "pass":
      io.stderr("PASS\n");
      status = EXIT_PASS;
      break;
    case "fail":
      io.stderr(`FAIL test ${result.testNumber ?? "?"}\n`);
      status = EXIT_GUEST_FAILED;
      break;
    case "budget":
      io.stderr(`stopped: ${result.message ?? "instruction budget exhausted"}\n`);
      status = EXIT_GUEST_FAILED;
      break;
    case "error":
      io.stderr(`error: ${result.message ?? "unknown error"}\n`);
      status = EXIT_GUEST_FAILED;
      break;
  }
  if (result.unhandledMmioReads > 0 || result.unhandledMmioWrites > 0) {
    io.stderr(
      `note: ${result.unhandledMmioReads} MMIO reads and ${result.unhandledMmioWrites} MMIO writes hit no device ` +
        `and raised guest access faults\n`,
    );
  }
  io.stderr(summary(result.insns, result.seconds));
  return status;
}

export function summary(insns: bigint, seconds: number): string {
  const mips = seconds > 0 ? Number(insns) / seconds / 1e6 : 0;
  return `${insns} instructions in ${seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS)\n`;
}

/** Batches guest console bytes into line-sized writes: one write per byte would dominate small runs. */
class ConsoleWriter {
  private readonly buffer = new Uint8Array(4096);
  private used = 0;
  constructor(private readonly io: CliIo) {}
  push(byte: number): void {
    this.buffer[this.used++] = byte;
    if (byte === 0x0a || this.used === this.buffer.length) this.flush();
  }
  flush(): void {
    if (this.used === 0) return;
    this.io.stdout(this.buffer.slice(0, this.used));
    this.used = 0;
  }
}

/** A file named on the command line cannot be read. */
class InputFileError extends Error {}

async function readInputFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = err instanceof Error && "code" in err ? String(err.code) : "";
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : err instanceof Error
              ? err.message
              : String(err);
    throw new InputFileError(`cannot read ${path}: ${why}`);
  }
}

async function readVersion(): Promise<string> {
  // package.json sits two levels up from both host/cli/ (source) and dist/cli/ (compiled).
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  const pkg: unknown = JSON.parse(text);
  if (typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string") return pkg.version;
  return "unknown";
}
