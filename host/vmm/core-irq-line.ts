// core-irq-line.ts — CoreIrqLine: an IrqLine wired to the in-core PLIC, waking the run loop when it rises.
import type { IrqLine } from "../devices/irq-line.js";

/** Lines backed by the core's PLIC (one call into the core per level change, none otherwise). */
export class CoreIrqLine implements IrqLine {
  private level = false;
  constructor(
    private readonly plic: { setIrq(line: number, level: boolean): void },
    readonly line: number,
    /** Called after the line goes high, so a VM sleeping in WFI can wake. */
    private readonly onRaise?: () => void,
  ) {}

  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    this.plic.setIrq(this.line, level);
    if (level) this.onRaise?.();
  }
}
