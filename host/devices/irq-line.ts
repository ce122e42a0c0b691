// irq-line.ts — IrqLine: how a host device drives one PLIC input of the in-core interrupt controller.
import type { CoreExports } from "../core/wasm-core.js";

/** A level-triggered interrupt line into the PLIC. */
export interface IrqLine {
  readonly line: number;
  set(level: boolean): void;
}

/** Lines backed by the Wasm core's exported setIrq (one call per level change). */
export class CoreIrqLine implements IrqLine {
  private level = false;
  constructor(
    private readonly core: Pick<CoreExports, "setIrq">,
    readonly line: number,
    /** Called after the line goes high, so a VM sleeping in WFI can wake. */
    private readonly onRaise?: () => void,
  ) {}

  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    this.core.setIrq(this.line, level ? 1 : 0);
    if (level) this.onRaise?.();
  }
}
