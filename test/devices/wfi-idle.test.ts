// wfi-idle.test.ts — WFI idling (docs/architecture.md, "Time and idling"): a guest waiting 100 ms for its timer in WFI
// sleeps on the host in the real-time clock and costs no time at all in the deterministic clock.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEVICE_GUEST_DIR, prepareDeviceGuest } from "../support/device-guest.js";

const WFI_ELF = join(DEVICE_GUEST_DIR, "wfi-idle.elf");
/** wfi-idle.S's default: 1,000,000 ticks = 100 ms at 10 MHz. */
const DELTA_TICKS = 1_000_000n;

function reportsOf(reports: bigint[]) {
  expect(reports).toHaveLength(4);
  const [mtimeStart, deadline, mtimeWoke, wfis] = reports as [bigint, bigint, bigint, bigint];
  return { mtimeStart, deadline, mtimeWoke, wfis };
}

describe("WFI idling", () => {
  it("real-time clock: sleeps until the deadline (>= 95 ms wall) using little host CPU", async () => {
    const guest = await prepareDeviceGuest(WFI_ELF, { clock: "realtime" });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await guest.machine.vm.run({ maxInsns: 10_000_000n, timeoutMs: 5_000 });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;

    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    const r = reportsOf(guest.irqctl.reports);
    expect(r.deadline - r.mtimeStart).toBe(DELTA_TICKS);
    expect(r.mtimeWoke).toBeGreaterThanOrEqual(r.deadline);
    expect(wallMs).toBeGreaterThanOrEqual(95);
    expect(result.idleSeconds).toBeGreaterThanOrEqual(0.08);
    // A spinning guest would burn ~100 ms of CPU here (and retire millions of instructions).
    expect(cpuMs).toBeLessThan(40);
    expect(result.insns).toBeLessThan(10_000n);
  });

  it("deterministic clock: mtime jumps to the deadline, so the same wait costs nothing", async () => {
    const guest = await prepareDeviceGuest(WFI_ELF, { clock: "deterministic" });
    const t0 = performance.now();
    const result = await guest.machine.vm.run({ maxInsns: 10_000_000n, timeoutMs: 5_000 });
    const wallMs = performance.now() - t0;

    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    const r = reportsOf(guest.irqctl.reports);
    expect(r.deadline - r.mtimeStart).toBe(DELTA_TICKS);
    // Woke exactly at the deadline after a single WFI: no sleeping, no spinning.
    expect(r.mtimeWoke - r.deadline).toBeLessThan(10n);
    expect(r.wfis).toBe(1n);
    expect(result.idleSeconds).toBe(0);
    expect(result.insns).toBeLessThan(10_000n);
    expect(wallMs).toBeLessThan(50);
  });
});
