// mips.ts — `npm run bench:mips`: interpreter speed on a CPU-bound guest (CRC-32, sieve, matrix multiply), on the product run loop.
//
// Runs guests/mips-bench (about 20.6 M guest instructions per iteration) through createVm, as
// `wasmvisor run --elf` does, and reports guest instructions retired per host second.
// Usage: npm run bench:mips [-- --iterations N]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { patchElfU64 } from "../host/boot/elf-patch.js";
import { createVm } from "../host/node.js";
import { machineLine, writeResult } from "./results.js";

const ELF = join(import.meta.dirname, "../guests/mips-bench/mips-bench.elf");

function iterationsArg(): number {
  const i = process.argv.indexOf("--iterations");
  if (i < 0) return 100;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error("bench:mips: --iterations takes a positive integer");
    process.exit(2);
  }
  return n;
}

const iterations = iterationsArg();
const elf = patchElfU64(new Uint8Array(readFileSync(ELF)), "bench_iterations", BigInt(iterations));
const vm = await createVm({ elf, memoryMiB: 64, rng: [], profile: false });
let output = "";
vm.on("console", (bytes) => (output += new TextDecoder().decode(bytes)));
const result = await vm.run({ maxInsns: 1n << 40n });
if (result.reason.kind !== "tohost" || result.reason.code !== 0) {
  console.error(`bench:mips: guest did not pass: ${JSON.stringify(result.reason, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}\n${output}`);
  process.exit(1);
}
const insns = Number(result.insns);
const seconds = result.wallSeconds;
const mips = insns / seconds / 1e6;
console.log(`mips-bench (${machineLine()})`);
console.log(`  ${iterations} iterations: ${insns.toLocaleString("en-US")} guest instructions in ${seconds.toFixed(2)} s = ${mips.toFixed(1)} MIPS`);
const path = writeResult("mips", { insns, seconds, mips, iterations });
console.log(`  wrote ${path}`);
