// mips.ts — `npm run bench:mips`: interpreter speed on a CPU-bound guest (CRC-32, sieve, matrix multiply).
//
// Runs guests/mips-bench (about 20.6 M guest instructions per iteration) and reports guest
// instructions retired per host second. Usage: npm run bench:mips [-- --iterations N]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCoreModule } from "../host/backends/node/core-file.js";
import { prepareBareMetal, runBareMetal } from "../host/baremetal.js";
import { Vcpu } from "../host/core/vcpu.js";
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
const vcpu = await Vcpu.create(await loadCoreModule(), 64 << 20);
const setup = prepareBareMetal(vcpu, new Uint8Array(readFileSync(ELF)));
const iterSym = setup.image.symbols.get("bench_iterations");
if (iterSym === undefined) throw new Error("mips-bench.elf has no bench_iterations symbol");
vcpu.guest.writeU64(iterSym, BigInt(iterations));

const result = runBareMetal(vcpu, { ...setup, maxInsns: 1n << 40n });
if (result.outcome !== "pass") {
  console.error(`bench:mips: guest did not pass: ${result.outcome} ${result.message ?? ""}\n${result.console}`);
  process.exit(1);
}
const insns = Number(result.insns);
const mips = insns / result.seconds / 1e6;
console.log(`mips-bench (${machineLine()})`);
console.log(`  ${iterations} iterations: ${insns.toLocaleString("en-US")} guest instructions in ${result.seconds.toFixed(2)} s = ${mips.toFixed(1)} MIPS`);
const path = writeResult("mips", { insns, seconds: result.seconds, mips, iterations });
console.log(`  wrote ${path}`);
