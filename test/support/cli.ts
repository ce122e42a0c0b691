// cli.ts (test support) — run the real `wasmvisor` command from dist/, rebuilding the host first when any source is newer.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/wasmvisor.js");
const DIST_MAIN = join(ROOT, "dist/cli/main.js");

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (name.endsWith(".ts")) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}

/** The spawned CLI runs from dist/: rebuild it when any host source is newer, so a test never runs stale code. */
export function ensureHostBuilt(): void {
  let built = 0;
  try {
    built = statSync(DIST_MAIN).mtimeMs;
  } catch {
    // not built yet
  }
  const newest = newestSourceMtime(join(ROOT, "host"));
  if (built >= newest) return;
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "pipe",
    });
  } catch (err) {
    // tsc still emits when some other host file has a type error (that is `npm run typecheck`'s
    // job to report); only a build that produced no fresh CLI is a reason to stop here.
    if ((statSync(DIST_MAIN, { throwIfNoEntry: false })?.mtimeMs ?? 0) < newest) throw err;
  }
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node bin/wasmvisor.js ...args` to completion; `input` is piped to its stdin (then closed). */
export function runCli(args: readonly string[], options: { input?: string | Uint8Array; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: "utf8", timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
