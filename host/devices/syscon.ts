// syscon.ts — the SiFive test finisher at 0x100000: how a guest powers off, reboots or fails with an exit code.
//
// QEMU virt's "sifive,test0": one 32-bit register at offset 0. The low 16 bits of a write select
// the action; for FAIL the high 16 bits are the exit code. Linux reaches it through
// "syscon-poweroff" / "syscon-reboot" nodes (regmap on this "syscon" node, offset 0, value 0x5555 /
// 0x7777); bare-metal tests write it directly.
import type { ShutdownKind } from "../vmm/stop-reason.js";
import type { BusDevice } from "./bus.js";
import { FdtNode } from "./fdt-node.js";
import { regOf, type FdtNodesOf } from "./placement.js";

export const SYSCON_COMPATIBLE = ["sifive,test1", "sifive,test0", "syscon"] as const;
export const SYSCON_WINDOW_BYTES = 0x1000;

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export type OnShutdown = (kind: ShutdownKind, code: number) => void;

export class Syscon implements BusDevice {
  readonly name = "syscon";

  constructor(private readonly onShutdown: OnShutdown) {}

  /** The register reads as 0, as in QEMU. */
  read(_offset: number, data: Uint8Array): boolean {
    data.fill(0);
    return true;
  }

  /**
   * 16- and 32-bit writes to offset 0 are the register (OpenSBI's sifive_test driver uses
   * 16-bit writes; Linux's syscon-poweroff 32-bit); an unknown command is ignored, as in QEMU.
   */
  write(offset: number, data: Uint8Array): boolean {
    if (offset !== 0 || (data.length !== 2 && data.length !== 4)) return false;
    const value = data.length === 2 ? data[0]! | (data[1]! << 8)
      : (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
    const command = value & 0xffff;
    if (command === FINISHER_PASS) this.onShutdown("poweroff", 0);
    else if (command === FINISHER_RESET) this.onShutdown("reboot", 0);
    else if (command === FINISHER_FAIL) this.onShutdown("fail", value >>> 16);
    return true;
  }

  registerName(offset: number): string | undefined {
    return offset === 0 ? "finisher" : undefined;
  }
}

/**
 * The test device as a syscon, plus the syscon-poweroff and syscon-reboot nodes Linux uses to
 * power off and reboot through it (as QEMU virt describes it).
 */
export const sysconFdtNodes: FdtNodesOf = (at, ctx) => {
  const phandle = ctx.newPhandle();
  const test = new FdtNode(`test@${at.base.toString(16)}`).string("compatible", ...SYSCON_COMPATIBLE);
  regOf(test, at.base, at.size).u32("phandle", phandle);
  const poweroff = new FdtNode("poweroff").string("compatible", "syscon-poweroff")
    .u32("regmap", phandle).u32("offset", 0).u32("value", FINISHER_PASS);
  const reboot = new FdtNode("reboot").string("compatible", "syscon-reboot")
    .u32("regmap", phandle).u32("offset", 0).u32("value", FINISHER_RESET);
  return [test, poweroff, reboot];
};
