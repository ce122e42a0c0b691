// snapshots.ts — the CLI's snapshots: --snapshot-on TEXT FILE (boot once, then stop) and Ctrl-A s (write one and go on).
import { accessSync, constants, existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InputFileError } from "../backends/node/input-file.js";
import type { WasmvisorVm } from "../api/wasmvisor-vm.js";
import type { VmResult } from "../vmm/vm.js";
import type { CliIo } from "./run.js";

/** Fail before the run, not after a long boot, when the snapshot could not be written. */
export function checkWritable(file: string): void {
  const dir = dirname(resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputFileError(`cannot write a snapshot to ${file}: ${existsSync(dir) ? "the directory is not writable" : "no such directory"}`);
  }
}

export class CliSnapshots {
  /** --snapshot-on fired: the run stopped because its snapshot was written. */
  stoppedAfterSnapshot = false;
  private pending: Promise<void> = Promise.resolve();
  private written: string | undefined;
  private interactiveCount = 0;

  constructor(
    private readonly vm: WasmvisorVm,
    private readonly io: CliIo,
  ) {}

  /** Write a snapshot the first time the console prints `text`, then stop the run. */
  takeWhenPrinted(text: string, file: string): void {
    const want = new TextEncoder().encode(text);
    let tail = new Uint8Array(0);
    let fired = false;
    this.vm.on("console", (bytes) => {
      if (fired) return;
      const seen = new Uint8Array(tail.length + bytes.length);
      seen.set(tail);
      seen.set(bytes, tail.length);
      if (!contains(seen, want)) {
        tail = seen.slice(Math.max(0, seen.length - (want.length - 1)));
        return;
      }
      fired = true;
      // Pause first, so the snapshot does not let the guest go on while the file is written:
      // the run ends at the snapshot.
      this.vm.pause();
      this.pending = this.write(file).then(() => {
        this.stoppedAfterSnapshot = true;
        this.vm.stop();
      }, (err: unknown) => {
        this.io.stderr(`wasmvisor: snapshot failed: ${err instanceof Error ? err.message : String(err)}\n`);
        this.vm.stop();
      });
    });
  }

  /** Ctrl-A s: a snapshot named after the time, in the working directory; the run goes on. */
  takeNow(): void {
    const file = `wasmvisor-${new Date().toISOString().replace(/[:.]/g, "-")}-${++this.interactiveCount}.snap`;
    this.pending = this.pending.then(() => this.write(file)).catch((err: unknown) => {
      this.io.stderr(`\r\nwasmvisor: snapshot failed: ${err instanceof Error ? err.message : String(err)}\r\n`);
    });
  }

  /** Wait for a snapshot still being written. */
  settled(): Promise<void> {
    return this.pending;
  }

  /** The closing lines of a run --snapshot-on ended. */
  report(result: VmResult, io: CliIo): number {
    io.stderr(`snapshot written to ${this.written ?? "?"}; stopped\n`);
    io.stderr(`${result.insns} instructions in ${result.wallSeconds.toFixed(3)} s\n`);
    return 0;
  }

  private async write(file: string): Promise<void> {
    const t0 = performance.now();
    const bytes = await this.vm.snapshot();
    await writeFile(file, bytes);
    this.written = file;
    const ms = performance.now() - t0;
    this.io.stderr(`\r\nwasmvisor: wrote snapshot ${file} (${(bytes.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms)\r\n`);
  }
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
