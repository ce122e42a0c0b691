// clint.test.ts — the in-core CLINT under real guest code (test/devices/guests/src/clint.S), in both clocks.
//
// The guest checks msip → machine software interrupt, mtime advancing and its 32-bit halves,
// mtimecmp by halves and MTIP, and a timer interrupt no earlier than its deadline; it reports
// the raw mtime/minstret values it saw so the test can check the clocks' contracts.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DETERMINISTIC_INSNS_PER_TICK } from "../../host/vmm/vm.js";
import { DEVICE_GUEST_DIR, runDeviceGuest } from "../support/device-guest.js";

const CLINT_ELF = join(DEVICE_GUEST_DIR, "clint.elf");
const TICKS_PER_MS = 10_000n;

/** clint.S's reports, by name. */
function reportsOf(reports: bigint[]) {
  expect(reports).toHaveLength(7);
  const [mtime0, instret0, mtime1, instret1, deadline, mtimeAtIrq, instretAtIrq] = reports as [
    bigint, bigint, bigint, bigint, bigint, bigint, bigint,
  ];
  return { mtime0, instret0, mtime1, instret1, deadline, mtimeAtIrq, instretAtIrq };
}

describe("CLINT (guest-driven)", () => {
  it("deterministic clock: msip, mtime, mtimecmp halves and the timer interrupt all work", async () => {
    const run = await runDeviceGuest(CLINT_ELF, { clock: "deterministic", patch: { timer_delta: 20_000n } });
    expect(run.result.reason).toEqual({ kind: "tohost", code: 0 });
    const r = reportsOf(run.irqctl.reports);
    // mtime is retired instructions / 10: across the busy loop the two agree to a tick.
    const ticks = r.mtime1 - r.mtime0;
    const insns = r.instret1 - r.instret0;
    expect(ticks).toBeGreaterThan(1000n);
    const drift = ticks * BigInt(DETERMINISTIC_INSNS_PER_TICK) - insns;
    expect(drift < 0n ? -drift : drift).toBeLessThanOrEqual(2n * BigInt(DETERMINISTIC_INSNS_PER_TICK));
    // The timer fired at (not before) its deadline, within 100 µs of guest time (interrupts are
    // checked every few thousand instructions).
    expect(r.mtimeAtIrq).toBeGreaterThanOrEqual(r.deadline);
    expect(r.mtimeAtIrq - r.deadline).toBeLessThan(TICKS_PER_MS / 10n);
  });

  it("deterministic clock: the timer interrupt arrives at the same instruction count every run", async () => {
    const a = await runDeviceGuest(CLINT_ELF, { clock: "deterministic", patch: { timer_delta: 50_000n } });
    const b = await runDeviceGuest(CLINT_ELF, { clock: "deterministic", patch: { timer_delta: 50_000n } });
    expect(a.result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(b.result.reason).toEqual({ kind: "tohost", code: 0 });
    const ra = reportsOf(a.irqctl.reports);
    const rb = reportsOf(b.irqctl.reports);
    expect(rb.instretAtIrq).toBe(ra.instretAtIrq);
    expect(rb.mtimeAtIrq).toBe(ra.mtimeAtIrq);
    expect(b.irqctl.reports).toEqual(a.irqctl.reports);
    expect(b.result.insns).toBe(a.result.insns);
    // ... and it is the deadline's instruction count: mtime = minstret / 10 from reset.
    const lag = ra.instretAtIrq - ra.mtimeAtIrq * BigInt(DETERMINISTIC_INSNS_PER_TICK);
    expect(lag >= 0n && lag < 2n * BigInt(DETERMINISTIC_INSNS_PER_TICK)).toBe(true);
  });

  it("real-time clock: a 20 ms deadline fires after about 20 ms of wall time", async () => {
    const run = await runDeviceGuest(CLINT_ELF, { clock: "realtime", patch: { timer_delta: 20n * TICKS_PER_MS } });
    expect(run.result.reason).toEqual({ kind: "tohost", code: 0 });
    const r = reportsOf(run.irqctl.reports);
    expect(r.mtime1).toBeGreaterThan(r.mtime0);
    expect(r.mtimeAtIrq).toBeGreaterThanOrEqual(r.deadline);
    // The guest spun (no WFI) until the interrupt; mtime follows the wall clock, so the run
    // lasted (nearly) the 20 ms.
    expect(run.result.wallSeconds).toBeGreaterThanOrEqual(0.018);
    expect(run.result.idleSeconds).toBe(0);
  });
});
