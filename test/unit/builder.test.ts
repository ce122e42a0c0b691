// builder.test.ts — buildMachine, the one composition root: what a spec builds, where devices go, and what it refuses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RAM_BASE } from "../../host/core/abi.js";
import { BootError } from "../../host/boot/errors.js";
import { ElfError } from "../../host/boot/elf.js";
import { BusError } from "../../host/devices/bus.js";
import { findGuestImage } from "../../guests/linux/images.js";
import { buildElf } from "../support/elf-builder.js";
import { FROMHOST_GPA, passGuest, TOHOST_GPA } from "../support/htif-guests.js";
import { testVm } from "../support/core.js";

const silent = { log: () => {} };

describe("buildMachine", () => {
  it("refuses a spec without exactly one guest, or with kernel options on an ELF", async () => {
    await expect(testVm({})).rejects.toThrow(new BootError("a VM needs exactly one guest: elf or kernel (or a snapshot to restore)"));
    await expect(testVm({ elf: passGuest(), kernel: new Uint8Array(64) })).rejects.toThrow(BootError);
    await expect(testVm({ elf: passGuest(), cmdline: "x" })).rejects.toThrow("cmdline needs a kernel, not an elf");
  });

  it("refuses a RAM size out of range and unknown RNG devices", async () => {
    await expect(testVm({ elf: passGuest(), memoryMiB: 0 })).rejects.toThrow("memoryMiB 0 is out of range");
    await expect(testVm({ elf: passGuest(), memoryMiB: 4096 })).rejects.toThrow("memoryMiB 4096 is out of range");
    await expect(testVm({ elf: passGuest(), rng: ["virtio-net" as never] })).rejects.toThrow("unknown RNG device 'virtio-net'");
  });

  it("places every device at its memory-map address, virtio devices in slot order with their IRQs", async () => {
    const { machine } = await testVm({ ...silent, elf: passGuest(), disks: [new Uint8Array(4096), new Uint8Array(512)], virtioConsole: true });
    const placed = machine.devices.map((d) => [d.device.name, `0x${d.at.base.toString(16)}`, d.at.irq]);
    expect(placed).toEqual([
      ["syscon", "0x100000", undefined],
      ["uart0", "0x10000000", 10],
      ["virtio0:rng", "0x10001000", 1],
      ["virtio1:blk0", "0x10002000", 2],
      ["virtio2:blk1", "0x10003000", 3],
      ["virtio3:console", "0x10004000", 4],
      ["rngboi", "0x10020000", undefined],
    ]);
    expect(machine.blk).toHaveLength(2);
    expect(machine.virtioConsole).toBeDefined();
  });

  it("puts only the RNG devices asked for on the machine", async () => {
    const names = async (rng: ("rngboi" | "virtio-rng")[]) =>
      (await testVm({ elf: passGuest(), rng })).machine.devices.map((d) => d.device.name);
    expect(await names([])).toEqual(["syscon", "uart0"]);
    expect(await names(["rngboi"])).toEqual(["syscon", "uart0", "rngboi"]);
    expect(await names(["virtio-rng"])).toEqual(["syscon", "uart0", "virtio0:rng"]);
  });

  it("places a caller's device, and refuses one that overlaps a standard device", async () => {
    const probe = { name: "probe", read: () => true, write: () => true };
    const { machine } = await testVm({ elf: passGuest(), extraDevices: [{ device: probe, base: 0x1004_0000n, size: 0x100n }] });
    expect(machine.bus.devices().some((r) => r.device === probe && r.base === 0x1004_0000n)).toBe(true);
    await expect(testVm({ elf: passGuest(), extraDevices: [{ device: probe, base: 0x1000_0080n, size: 0x100n }] }))
      .rejects.toThrow(BusError);
  });

  it("wires HTIF for an ELF with tohost, and not for one without", async () => {
    const withHtif = (await testVm({ elf: passGuest() })).machine;
    expect(withHtif.guestKind).toBe("elf");
    expect(withHtif.clock).toBe("deterministic");
    expect(withHtif.htif?.addresses).toEqual({ tohostGpa: TOHOST_GPA, fromhostGpa: FROMHOST_GPA });
    expect(withHtif.sbi).toBeUndefined();
    expect(withHtif.vcpu.pc).toBe(RAM_BASE);
    const bare = (await testVm({ elf: buildElf({ segments: [{ vaddr: RAM_BASE, data: new Uint8Array(8) }] }) })).machine;
    expect(bare.htif).toBeUndefined();
  });

  it("refuses a tohost symbol outside guest RAM", async () => {
    const elf = buildElf({ segments: [{ vaddr: RAM_BASE, data: new Uint8Array(16) }], symbols: [{ name: "tohost", value: 0x1000n }] });
    await expect(testVm({ elf, memoryMiB: 1 })).rejects.toThrow(
      new ElfError("symbol tohost at 0x1000 lies outside guest RAM 0x80000000-0x80100000"),
    );
  });

  const kernelPath = findGuestImage("Image-nofpu");
  it.skipIf(kernelPath === undefined)("boots Linux with the built-in SBI, or hands M-mode to firmware", async () => {
    const kernel = new Uint8Array(readFileSync(kernelPath!));
    const linux = (await testVm({ kernel })).machine;
    expect(linux.guestKind).toBe("linux");
    expect(linux.clock).toBe("realtime");
    expect(linux.sbi).toBeDefined();
    expect(linux.vcpu.priv).toBe(1); // S-mode at the kernel entry
    const firmware = (await testVm({ kernel, bios: Uint8Array.of(0x6f, 0, 0, 0) })).machine;
    expect(firmware.sbi).toBeUndefined();
    expect(firmware.vcpu.pc).toBe(RAM_BASE);
  });
});
