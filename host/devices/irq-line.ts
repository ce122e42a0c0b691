// irq-line.ts — IrqLine: how a host device drives one PLIC input of the in-core interrupt controller.

/** A level-triggered interrupt line into the PLIC. */
export interface IrqLine {
  readonly line: number;
  set(level: boolean): void;
}
