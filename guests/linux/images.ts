// images.ts — where the reference Linux guest images are: ../shared/guests/linux, or the cache `npm run guest:linux` fills (tests and benchmarks).
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const REPO = join(import.meta.dirname, "../..");

/** Directories searched, in order, for Image-nofpu / Image-full. */
export const GUEST_DIRS = [
  process.env.WASMVISOR_GUEST_DIR,
  join(REPO, "../shared/guests/linux"),
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wasmvisor/guests/linux"),
].filter((d): d is string => d !== undefined);

export function findGuestImage(name: string): string | undefined {
  for (const dir of GUEST_DIRS) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function missingGuestMessage(name: string): string {
  return `${name} not found in ${GUEST_DIRS.join(", ")}: run npm run guest:linux to build it`;
}

export const OPENSBI_FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin";
