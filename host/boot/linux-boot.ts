// linux-boot.ts — put a machine in the state firmware leaves it in for Linux: kernel, initrd and DTB in RAM, the VCPU at the entry.
//
// Built-in SBI: the VCPU starts the kernel in S-mode (a0 = hart id, a1 = DTB), with the M-mode
// state OpenSBI leaves behind: exceptions and S-level interrupts delegated, counters enabled,
// Sstc enabled when offered. With --bios: the firmware runs from RAM base in M-mode with the
// same a0/a1, and the kernel waits at 0x80200000 where fw_jump expects it.
import { Priv, type Vcpu } from "../core/vcpu.js";
import type { PlacedDevice } from "../devices/placement.js";
import { KERNEL_BASE, RAM_BASE, UART0_BASE } from "../vmm/memmap.js";
import { machineDtb } from "./machine-fdt.js";
import { loadRaw } from "./raw.js";
import { BootError } from "./errors.js";
import { loadLinux, parseLinuxImage, planLinuxLayout, type LinuxLayout } from "./linux.js";

export interface LinuxBootOptions {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  /** M-mode firmware image (e.g. OpenSBI fw_jump.bin); undefined = built-in SBI. */
  bios?: Uint8Array;
  /** Offer Sstc (stimecmp) in the devicetree and enable it for S-mode. */
  sstc: boolean;
}

/** Extensions the core implements, in the devicetree's riscv,isa spelling. */
export function isaString(sstc: boolean): string {
  return `rv64imafdc_zicsr_zifencei${sstc ? "_sstc" : ""}`;
}

const DTB_MAX_BYTES = 64 * 1024;
const CSR_MEDELEG = 0x302;
const CSR_MIDELEG = 0x303;
const CSR_MCOUNTEREN = 0x306;
const CSR_SCOUNTEREN = 0x106;
const CSR_MENVCFG = 0x30a;
const MENVCFG_STCE = 1n << 63n;
/** Every exception an S-mode kernel handles itself (all but ecall from S, which is the SBI). */
const DELEGATED_EXCEPTIONS = 0xb3ffn & ~(1n << 9n);
const DELEGATED_INTERRUPTS = (1n << 1n) | (1n << 5n) | (1n << 9n); // SSI, STI, SEI

export function bootLinux(vcpu: Vcpu, devices: readonly PlacedDevice[], opts: LinuxBootOptions): LinuxLayout {
  const header = parseLinuxImage(opts.kernel);
  const kernelGpa = opts.bios !== undefined ? KERNEL_BASE : undefined;
  const layout = planLinuxLayout(vcpu.guest, header, opts.initrd?.length, DTB_MAX_BYTES, kernelGpa);
  const dtb = machineDtb({
    ramBytes: vcpu.guest.sizeBytes,
    isa: isaString(opts.sstc),
    bootargs: opts.cmdline,
    stdoutPath: `/soc/serial@${UART0_BASE.toString(16)}`,
    devices,
    ...(layout.initrdStart !== undefined && layout.initrdEnd !== undefined
      ? { initrd: { start: layout.initrdStart, end: layout.initrdEnd } }
      : {}),
  });
  if (opts.bios !== undefined) {
    if (opts.bios.length > Number(KERNEL_BASE - RAM_BASE)) {
      throw new BootError(`firmware is larger than the ${Number(KERNEL_BASE - RAM_BASE) >> 20} MiB below the kernel`);
    }
    loadRaw(vcpu.guest, opts.bios, RAM_BASE);
  }
  loadLinux(vcpu.guest, layout, opts.kernel, dtb, opts.initrd);

  if (opts.bios !== undefined) {
    vcpu.reset(RAM_BASE);
  } else {
    vcpu.reset(layout.kernelGpa);
    vcpu.setCsr(CSR_MEDELEG, DELEGATED_EXCEPTIONS);
    vcpu.setCsr(CSR_MIDELEG, DELEGATED_INTERRUPTS);
    vcpu.setCsr(CSR_MCOUNTEREN, 7n); // cycle, time, instret readable from S and U
    vcpu.setCsr(CSR_SCOUNTEREN, 7n); // as OpenSBI leaves it: U-mode may read cycle, time, instret (the vDSO uses rdtime)
    vcpu.setCsr(CSR_MENVCFG, opts.sstc ? MENVCFG_STCE : 0n);
    vcpu.priv = Priv.Supervisor;
  }
  vcpu.setReg(10, 0n); // a0: hart id
  vcpu.setReg(11, layout.dtbGpa); // a1: devicetree
  return layout;
}
