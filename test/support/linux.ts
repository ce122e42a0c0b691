// linux.ts (test support) — boot a Linux Image through createVm (the builder and run loop the CLI uses), capturing the console.
import { readFileSync } from "node:fs";
import type { ExitProfiler } from "../../host/profile/profiler.js";
import type { RngDevice } from "../../host/vmm/spec.js";
import type { ClockMode, VmResult } from "../../host/vmm/vm.js";
import { ExitProfiler as Profiler } from "../../host/profile/profiler.js";
import { UrandomEntropy } from "../../host/backends/node/urandom.js";
import { testVm } from "./core.js";

export interface LinuxRun {
  output: string;
  result: VmResult;
  /** Instructions retired when the console printed "INIT OK" (undefined if it never did). */
  insnsAtInitOk?: bigint;
  profiler: ExitProfiler;
}

export interface LinuxRunOptions {
  image: string;
  cmdline: string;
  rng?: readonly RngDevice[];
  clock?: ClockMode;
  bios?: string;
  sstc?: boolean;
  memoryMiB?: number;
  /** Seed the entropy (exact replay) instead of reading /dev/urandom. */
  entropySeed?: bigint;
  maxInsns?: bigint;
  timeoutMs?: number;
}

export async function bootLinuxForTest(opts: LinuxRunOptions): Promise<LinuxRun> {
  let output = "";
  let insnsAtInitOk: bigint | undefined;
  const profiler = new Profiler({ timing: "sampled" });
  const decoder = new TextDecoder();
  const entropy = opts.entropySeed === undefined ? new UrandomEntropy() : undefined;
  try {
    const vm = await testVm({
      kernel: readFileSync(opts.image),
      cmdline: opts.cmdline,
      sstc: opts.sstc ?? true,
      memoryMiB: opts.memoryMiB ?? 128,
      clock: opts.clock ?? "deterministic",
      rng: opts.rng ?? ["rngboi", "virtio-rng"],
      ...(entropy !== undefined ? { entropy } : { entropySeed: opts.entropySeed! }),
      profile: profiler,
      ...(opts.bios !== undefined ? { bios: readFileSync(opts.bios) } : {}),
    });
    vm.on("console", (bytes) => {
      output += decoder.decode(bytes, { stream: true });
      if (insnsAtInitOk === undefined && /INIT OK\r?\n/.test(output)) insnsAtInitOk = vm.machine.vcpu.instret;
    });
    const result = await vm.run({ maxInsns: opts.maxInsns ?? 5_000_000_000n, timeoutMs: opts.timeoutMs ?? 120_000 });
    return { output, result, insnsAtInitOk, profiler };
  } finally {
    entropy?.close();
  }
}
