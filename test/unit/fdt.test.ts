// fdt.test.ts — the DTB writer and the machine's devicetree, decoded by the reference tool (dtc) to check both.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildDtb } from "../../host/boot/fdt.js";
import { isaString } from "../../host/boot/linux-boot.js";
import { machineDtb } from "../../host/boot/machine-fdt.js";
import { PooledEntropy } from "../../host/backends/entropy.js";
import { FdtNode } from "../../host/devices/fdt-node.js";
import { testVm } from "../support/core.js";
import { passGuest } from "../support/htif-guests.js";

function dtsOf(dtb: Uint8Array): string {
  return execFileSync("dtc", ["-I", "dtb", "-O", "dts", "-q", "-"], { input: dtb, encoding: "utf8" });
}

describe("FDT writer", () => {
  it("writes a v17 header, reservation map, structure and strings that dtc decodes", () => {
    const root = new FdtNode("").u32("#address-cells", 2).u32("#size-cells", 2);
    root.node("chosen").string("bootargs", "console=ttyS0 quiet");
    root.node("node@1000").u32("cells", 1, 2, 0xffffffff).u64("big", 0x1_0000_0002n).flag("empty")
      .string("list", "a", "bc");
    const dtb = buildDtb(root, { reserved: [[0x8000_0000n, 0x1000n]] });
    const dv = new DataView(dtb.buffer);
    expect(dv.getUint32(0)).toBe(0xd00dfeed);
    expect(dv.getUint32(4)).toBe(dtb.length);
    expect(dv.getUint32(20)).toBe(17);
    expect(dv.getUint32(24)).toBe(16);
    const dts = dtsOf(dtb);
    expect(dts).toContain("/memreserve/\t0x0000000080000000 0x0000000000001000;");
    expect(dts).toContain('bootargs = "console=ttyS0 quiet";');
    expect(dts).toContain("cells = <0x01 0x02 0xffffffff>;");
    expect(dts).toContain("big = <0x01 0x02>;");
    expect(dts).toContain("empty;");
    expect(dts).toContain('list = "a\\0bc";');
  });

  it("refuses duplicate properties and nodes and bad names", () => {
    const n = new FdtNode("x").u32("a", 1);
    expect(() => n.u32("a", 2)).toThrow("duplicate property a");
    n.node("c");
    expect(() => n.node("c")).toThrow("duplicate node c");
    expect(() => new FdtNode("a/b")).toThrow("bad devicetree node name");
  });
});

describe("machine devicetree", () => {
  it("describes cpus, memory, chosen, CLINT, PLIC and every placed device", async () => {
    const { machine } = await testVm({
      elf: passGuest(),
      memoryMiB: 64,
      entropy: new PooledEntropy((d) => d.fill(7)),
      rng: ["rngboi"],
    });
    const dts = dtsOf(machineDtb({
      ramBytes: 64 << 20,
      isa: isaString(true),
      bootargs: "console=ttyS0",
      stdoutPath: "/soc/serial@10000000",
      initrd: { start: 0x8400_0000n, end: 0x8410_0000n },
      devices: machine.devices,
    }));
    expect(dts).toContain('riscv,isa = "rv64imafdc_zicsr_zifencei_sstc";');
    expect(dts).toContain('mmu-type = "riscv,sv39";');
    expect(dts).toContain("timebase-frequency = <0x989680>;");
    expect(dts).toMatch(/memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00 0x4000000>;/s);
    expect(dts).toMatch(/linux,initrd-start = <0x00 0x84000000>;/);
    expect(dts).toContain('stdout-path = "/soc/serial@10000000";');
    expect(dts).toMatch(/clint@2000000 \{[^}]*compatible = "sifive,clint0\\0riscv,clint0";/s);
    expect(dts).toMatch(/plic@c000000 \{[^}]*riscv,ndev = <0x3f>;/s);
    expect(dts).toMatch(/serial@10000000 \{[^}]*compatible = "ns16550a";[^}]*interrupts = <0x0a>;/s);
    expect(dts).toMatch(/rng@10020000 \{[^}]*compatible = "timeriomem_rng";[^}]*period = <0x01>;/s);
    expect(dts).toMatch(/poweroff \{[^}]*compatible = "syscon-poweroff";[^}]*value = <0x5555>;/s);
    expect(dts).toMatch(/test@100000 \{[^}]*"sifive,test1\\0sifive,test0\\0syscon";/s);
  });
});
