// linux.ts (test support) — boot a Linux Image on a full machine through the library API, capturing the console.
import { readFileSync } from "node:fs";
import { bootLinux } from "../../host/boot/linux-boot.js";
import { BuiltinSbi } from "../../host/vmm/sbi.js";
import { CallbackConsole } from "../../host/backends/console.js";
import { UrandomEntropy } from "../../host/backends/node/urandom.js";
import { createMachine, type RngChoice } from "../../host/vmm/machine.js";
import { ExitProfiler } from "../../host/profile/profiler.js";
import type { ClockMode, VmResult } from "../../host/vmm/vm.js";
import { coreModule } from "./core.js";

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
  rng?: RngChoice;
  clock?: ClockMode;
  bios?: string;
  sstc?: boolean;
  memoryMiB?: number;
  maxInsns?: bigint;
  timeoutMs?: number;
}

export async function bootLinuxForTest(opts: LinuxRunOptions): Promise<LinuxRun> {
  let output = "";
  let insnsAtInitOk: bigint | undefined;
  const profiler = new ExitProfiler({ timing: "sampled" });
  const decoder = new TextDecoder();
  const entropy = new UrandomEntropy();
  const machine = await createMachine(await coreModule(), {
    ramBytes: (opts.memoryMiB ?? 128) << 20,
    clock: opts.clock ?? "deterministic",
    console: new CallbackConsole({
      output: (bytes) => {
        output += decoder.decode(bytes, { stream: true });
        if (insnsAtInitOk === undefined && /INIT OK\r?\n/.test(output)) insnsAtInitOk = machine.vcpu.instret;
      },
    }),
    entropy,
    rng: opts.rng ?? "both",
    profiler,
    ...(opts.bios === undefined
      ? {
          sbi: (vcpu, stop) => new BuiltinSbi(vcpu, {
            console: { write: (b) => void (output += decoder.decode(b, { stream: true })), readByte: () => -1 },
            shutdown: (kind) => stop({ kind }),
          }),
        }
      : {}),
  });
  try {
    bootLinux(machine, {
      kernel: readFileSync(opts.image),
      cmdline: opts.cmdline,
      sstc: opts.sstc ?? true,
      ...(opts.bios !== undefined ? { bios: readFileSync(opts.bios) } : {}),
    });
    const result = await machine.vm.run({
      maxInsns: opts.maxInsns ?? 5_000_000_000n,
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
    return { output, result, insnsAtInitOk, profiler };
  } finally {
    entropy.close();
  }
}
