// results.ts — shared benchmark plumbing: where results go and how the machine is described.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

export const RESULTS_DIR = join(import.meta.dirname, "results");

/** Write bench/results/<name>.json and return its path. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

/** One line naming the machine and runtime, printed with every table. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpu.trim()}, Node ${process.version}`;
}
