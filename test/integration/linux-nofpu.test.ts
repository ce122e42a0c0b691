// linux-nofpu.test.ts — boots the reference Linux 6.1 guest (Image-nofpu) to INIT OK and a clean power-off, with each RNG device.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findGuestImage, missingGuestMessage, OPENSBI_FW_JUMP } from "../../guests/linux/images.js";
import { bootLinuxForTest } from "../support/linux.js";

const image = findGuestImage("Image-nofpu");

describe.skipIf(image === undefined)(`Linux Image-nofpu ${image === undefined ? `(skipped: ${missingGuestMessage("Image-nofpu")})` : ""}`, () => {
  it("boots to INIT OK with timeriomem_rng on rngboi, computes cpuwork right, and powers off", async () => {
    const run = await bootLinuxForTest({
      image: image!,
      cmdline: "console=ttyS0 rngbytes=4096 cpuwork=2000000",
      rng: ["rngboi"],
    });
    expect(run.output).toContain("INIT OK");
    expect(run.output).toContain("rng_current: 10020000.rng");
    expect(run.output).toMatch(/hwrng: read 4096 bytes in \d+ ns/);
    const rate = /hwrng: (\d+) bytes\/s/.exec(run.output);
    expect(Number(rate?.[1])).toBeGreaterThan(0);
    expect(run.output).toContain("cpuwork: 2000000 rounds");
    expect(run.output).toContain("(result 18ef286d3d4e0ca)");
    expect(run.output).toContain("POWER OFF");
    expect(run.result.reason).toEqual({ kind: "poweroff" });
    // The driver read our register: at least one exit per 32-bit word of the 4096 bytes.
    const rngRow = run.profiler.snapshot().rows.find((r) => r.device === "rngboi");
    expect(rngRow?.count).toBeGreaterThanOrEqual(1024);
  });

  it("feeds /dev/hwrng through Linux's virtio_rng driver with one notification per request", async () => {
    const run = await bootLinuxForTest({ image: image!, cmdline: "console=ttyS0 rngbytes=65536", rng: ["virtio-rng"] });
    expect(run.output).toContain("rng_current: virtio_rng.0");
    expect(run.output).toMatch(/hwrng: read 65536 bytes in \d+ ns/);
    expect(Number(/hwrng: (\d+) bytes\/s/.exec(run.output)?.[1])).toBeGreaterThan(0);
    expect(run.result.reason).toEqual({ kind: "poweroff" });
    const notifies = run.profiler.snapshot().rows.find((r) => r.register === "QueueNotify")?.count ?? 0;
    // Linux asks for 64 bytes per request: 1024 requests, each one QueueNotify exit (plus a few at probe).
    expect(notifies).toBeGreaterThanOrEqual(1024);
    expect(notifies).toBeLessThan(1100);
  });

  it("boots identically every time in the deterministic clock (same instruction count to INIT OK)", async () => {
    const opts = { image: image!, cmdline: "console=ttyS0 rngbytes=64", rng: [], maxInsns: 1_500_000_000n };
    const a = await bootLinuxForTest(opts);
    const b = await bootLinuxForTest(opts);
    expect(a.insnsAtInitOk).toBeDefined();
    expect(a.insnsAtInitOk).toBe(b.insnsAtInitOk);
  });

  it("repeats to the instruction with both RNG devices when entropy is seeded (exact replay)", async () => {
    const opts = { image: image!, cmdline: "console=ttyS0 rngbytes=4096", rng: ["rngboi", "virtio-rng"] as const, entropySeed: 7n };
    const a = await bootLinuxForTest(opts);
    const b = await bootLinuxForTest(opts);
    expect(a.result.reason).toEqual({ kind: "poweroff" });
    expect(a.output).toMatch(/hwrng: read 4096 bytes/);
    expect(a.result.insns).toBe(b.result.insns);
    expect(a.output.replace(/\d+ ns|\d+ bytes\/s/g, "")).toBe(b.output.replace(/\d+ ns|\d+ bytes\/s/g, ""));
  });

  it("boots through OpenSBI fw_jump.bin with --bios as well", async () => {
    if (!existsSync(OPENSBI_FW_JUMP)) throw new Error(`${OPENSBI_FW_JUMP} missing: apt-get install opensbi`);
    const run = await bootLinuxForTest({
      image: image!,
      cmdline: "console=ttyS0 rngbytes=64",
      rng: ["rngboi"],
      bios: OPENSBI_FW_JUMP,
    });
    expect(run.output).toContain("OpenSBI v");
    expect(run.output).toContain("INIT OK");
    expect(run.result.reason).toEqual({ kind: "poweroff" });
  });
});
