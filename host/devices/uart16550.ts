// uart16550.ts — Uart16550: the 16550A serial port of QEMU virt (byte registers at offsets 0..7), the guest console.
//
// Transmission is instantaneous: a THR write goes straight to the console backend, so THR and
// the transmitter are always empty (LSR.THRE and LSR.TEMT always set). Received bytes wait in
// the 16-byte RX FIFO (1 byte when FIFOs are off); behind it a host-side backlog holds input the
// FIFO cannot take yet, like a terminal with flow control, so pasted or piped text is not lost.
//
// Host input enters the FIFO only while the guest raises DTR and RTS (MCR), as RS-232 hardware
// flow control has it: the host side is a terminal that sends only when the guest says it is
// ready. Until then input waits in the backlog. This matters: Linux's 8250 driver probes IER,
// clears the FIFO and reads RBR while it sets the port up (autoconfig, serial8250_do_startup),
// and raises DTR and RTS only when the tty is opened (tty_port_block_til_ready), so input that
// arrived during boot would otherwise be thrown away by the driver itself. A polled bare-metal
// guest raises them too (MCR = 0x03) before it reads. A byte is dropped, with LSR.OE, only when
// the backlog is full as well.
import { ByteQueue } from "../backends/byte-queue.js";
import type { ConsoleBackend } from "../backends/console.js";
import type { BusDevice } from "./bus.js";
import { StateReader, type DeviceState, type StatefulDevice } from "./device-state.js";
import type { IrqLine } from "./irq-line.js";
import {
  UART_RBR_THR, UART_IER, UART_IIR_FCR, UART_LCR, UART_MCR, UART_LSR, UART_MSR,
  IER_RDI, IER_THRI, IER_RLSI, IER_MSI,
  IIR_NO_INT, IIR_MSI, IIR_THRI, IIR_RDI, IIR_RLSI, IIR_CTI, IIR_FIFO_BITS,
  FCR_ENABLE_FIFO, FCR_CLEAR_RCVR,
  LCR_DLAB,
  MCR_DTR, MCR_RTS, MCR_OUT1, MCR_OUT2, MCR_LOOP,
  LSR_DR, LSR_OE, LSR_THRE, LSR_TEMT,
  MSR_DCTS, MSR_DDSR, MSR_TERI, MSR_DDCD, MSR_CTS, MSR_DSR, MSR_RI, MSR_DCD,
} from "./uart16550-regs.js";
import { FdtNode } from "./fdt-node.js";
import { irqOf, regOf, type FdtNodesOf } from "./placement.js";

export const UART_COMPATIBLE = "ns16550a";
/** Input clock QEMU virt advertises; only used by the guest to compute the divisor. */
export const UART_CLOCK_HZ = 3_686_400;
export const UART_WINDOW_BYTES = 0x100;
export const RX_FIFO_BYTES = 16;
/** Host input held for the guest (a megabyte of pasted or piped text). */
export const DEFAULT_RX_BACKLOG_BYTES = 1 << 20;

/** Modem lines outside loopback: a null-modem peer that is always ready (as QEMU reports). */
const MSR_IDLE = MSR_DCD | MSR_DSR | MSR_CTS;
/** RX trigger levels selected by FCR bits 7:6. */
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;
const REGISTER_NAMES = ["THR/RBR", "IER", "IIR/FCR", "LCR", "MCR", "LSR", "MSR", "SCR"] as const;

export interface Uart16550Options {
  irq: IrqLine;
  console: ConsoleBackend;
  /** Host-side input held while the RX FIFO is full (default 64 KiB; 0 = overrun at once). */
  rxBacklogBytes?: number;
}

export class Uart16550 implements BusDevice, StatefulDevice {
  readonly name = "uart0";
  /** Bytes sent to the console, received from it, and dropped on overrun. */
  txBytes = 0;
  rxBytes = 0;
  overruns = 0;

  private readonly irq: IrqLine;
  private readonly console: ConsoleBackend;
  private readonly rxFifo = new ByteQueue(RX_FIFO_BYTES);
  private readonly backlog: ByteQueue;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private triggerLevel = 1;
  /** LSR error bits (OE) latched until LSR is read. */
  private lsrErrors = 0;
  /** The THR-empty interrupt condition: set when THR empties, cleared by an IIR read that reports it. */
  private thrPending = false;
  private msrLines = MSR_IDLE;
  private msrDeltas = 0;

  constructor(options: Uart16550Options) {
    this.irq = options.irq;
    this.console = options.console;
    this.backlog = new ByteQueue(options.rxBacklogBytes ?? DEFAULT_RX_BACKLOG_BYTES);
    this.console.onInput((bytes) => this.receive(bytes), this);
    this.updateIrq();
  }

  /** Return to power-on state. Host input waiting in the backlog is kept: it is still on the wire. */
  reset(): void {
    this.ier = this.lcr = this.mcr = this.scr = this.dll = this.dlm = 0;
    this.fifoEnabled = false;
    this.triggerLevel = 1;
    this.lsrErrors = this.msrDeltas = 0;
    this.thrPending = false;
    this.msrLines = MSR_IDLE;
    this.rxFifo.clear();
    this.refillFifo();
    this.updateIrq();
  }

  /** Host input the guest has not read yet (waiting in the backlog or the FIFO). */
  get pendingInputBytes(): number {
    return this.backlog.count + this.rxFifo.count;
  }

  saveState(): DeviceState {
    return {
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr, dll: this.dll, dlm: this.dlm,
      fifoEnabled: this.fifoEnabled, triggerLevel: this.triggerLevel, lsrErrors: this.lsrErrors,
      thrPending: this.thrPending, msrLines: this.msrLines, msrDeltas: this.msrDeltas,
      rxFifo: this.rxFifo.toArray(), backlog: this.backlog.toArray(),
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(state, this.name);
    this.ier = r.int("ier", 0, 0x0f);
    this.lcr = r.int("lcr", 0, 0xff);
    this.mcr = r.int("mcr", 0, 0x1f);
    this.scr = r.int("scr", 0, 0xff);
    this.dll = r.int("dll", 0, 0xff);
    this.dlm = r.int("dlm", 0, 0xff);
    this.fifoEnabled = r.bool("fifoEnabled");
    const trigger = r.int("triggerLevel", 1, RX_FIFO_BYTES);
    this.triggerLevel = (TRIGGER_LEVELS as readonly number[]).includes(trigger) ? trigger : 1;
    this.lsrErrors = r.int("lsrErrors", 0, LSR_OE);
    this.thrPending = r.bool("thrPending");
    this.msrLines = r.int("msrLines", 0, 0xf0);
    this.msrDeltas = r.int("msrDeltas", 0, 0x0f);
    this.rxFifo.fill(r.bytes("rxFifo", RX_FIFO_BYTES));
    this.backlog.fill(r.bytes("backlog", this.backlog.capacity));
    this.updateIrq();
  }

  /** Bytes arriving from the host side (the console backend). They wait until the receiver is open. */
  receive(bytes: Uint8Array): void {
    const open = this.receiverOpen;
    for (const byte of bytes) {
      // The backlog is only non-empty while the FIFO is full or closed, so this keeps bytes in order.
      if (open && this.backlog.count === 0 && this.rxFifo.count < this.fifoDepth) this.rxFifo.push(byte);
      else if (this.backlog.count < this.backlog.capacity) this.backlog.push(byte);
      else {
        this.lsrErrors |= LSR_OE;
        this.overruns++;
        continue;
      }
      this.rxBytes++;
    }
    this.updateIrq();
  }

  /** The divisor latch (DLM:DLL) the guest programmed. */
  get divisor(): number {
    return (this.dlm << 8) | this.dll;
  }

  read(offset: number, data: Uint8Array): boolean {
    if (data.length !== 1 || offset >= REGISTER_NAMES.length) return false;
    data[0] = this.readRegister(offset);
    return true;
  }

  write(offset: number, data: Uint8Array): boolean {
    if (data.length !== 1 || offset >= REGISTER_NAMES.length) return false;
    this.writeRegister(offset, data[0]!);
    return true;
  }

  registerName(offset: number): string | undefined {
    return REGISTER_NAMES[offset];
  }

  private readRegister(offset: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case UART_RBR_THR:
        return dlab ? this.dll : this.readRbr();
      case UART_IER:
        return dlab ? this.dlm : this.ier;
      case UART_IIR_FCR:
        return this.readIir();
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR:
        return this.readLsr();
      case UART_MSR:
        return this.readMsr();
      default:
        return this.scr;
    }
  }

  private writeRegister(offset: number, value: number): void {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case UART_RBR_THR:
        if (dlab) this.dll = value;
        else this.transmit(value);
        return;
      case UART_IER:
        if (dlab) this.dlm = value;
        else this.writeIer(value);
        return;
      case UART_IIR_FCR:
        return this.writeFcr(value);
      case UART_LCR:
        this.lcr = value;
        return;
      case UART_MCR:
        this.mcr = value & 0x1f;
        this.setModemLines(this.mcr & MCR_LOOP ? loopbackLines(this.mcr) : MSR_IDLE);
        this.refillFifo(); // raising DTR and RTS opens the receiver
        this.updateIrq();
        return;
      case UART_LSR:
      case UART_MSR:
        return; // read-only status (writes are a factory-test feature on real parts)
      default:
        this.scr = value;
    }
  }

  private readRbr(): number {
    const byte = this.rxFifo.count > 0 ? this.rxFifo.shift() : 0;
    this.refillFifo();
    this.updateIrq();
    return byte;
  }

  private readIir(): number {
    const id = this.pendingInterrupt();
    // Reading IIR acknowledges THR-empty, and only when it is what IIR reports.
    if (id === IIR_THRI) {
      this.thrPending = false;
      this.updateIrq();
    }
    return id | (this.fifoEnabled ? IIR_FIFO_BITS : 0);
  }

  private readLsr(): number {
    const value = (this.rxFifo.count > 0 ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT;
    this.lsrErrors = 0;
    this.updateIrq();
    return value;
  }

  private readMsr(): number {
    const value = this.msrLines | this.msrDeltas;
    this.msrDeltas = 0;
    this.updateIrq();
    return value;
  }

  private transmit(byte: number): void {
    this.thrPending = false; // writing THR acknowledges THR-empty ...
    if (this.mcr & MCR_LOOP) this.loopBack(byte);
    else {
      this.console.write(Uint8Array.of(byte));
      this.txBytes++;
    }
    // ... and, transmission being instantaneous, THR is empty again at once: a new THR-empty
    // event, which is what lets the guest driver's interrupt-driven TX loop continue.
    this.thrPending = true;
    this.updateIrq();
  }

  /** A byte transmitted in loopback mode arrives at the receiver at once, open or not (it is the guest's own). */
  private loopBack(byte: number): void {
    if (this.rxFifo.count < this.fifoDepth) {
      this.rxFifo.push(byte);
      this.rxBytes++;
    } else {
      this.lsrErrors |= LSR_OE;
      this.overruns++;
    }
  }

  private writeIer(value: number): void {
    const changed = (this.ier ^ value) & IER_THRI;
    this.ier = value & 0x0f;
    // Enabling THRI while THR is empty (always, here) raises it at once; drivers rely on this
    // to start transmitting. Disabling it drops the stale condition.
    if (changed) this.thrPending = (this.ier & IER_THRI) !== 0;
    this.updateIrq();
  }

  private writeFcr(value: number): void {
    const enable = (value & FCR_ENABLE_FIFO) !== 0;
    // Switching FIFO mode on or off empties both FIFOs; the clear bits act only with FIFOs on.
    if (enable !== this.fifoEnabled || (enable && value & FCR_CLEAR_RCVR)) this.rxFifo.clear();
    // FCR_CLEAR_XMIT has nothing to clear: transmission is instantaneous.
    this.fifoEnabled = enable;
    this.triggerLevel = enable ? TRIGGER_LEVELS[value >>> 6]! : 1;
    this.refillFifo();
    this.updateIrq();
  }

  private setModemLines(lines: number): void {
    const changed = this.msrLines ^ lines;
    if (changed & MSR_CTS) this.msrDeltas |= MSR_DCTS;
    if (changed & MSR_DSR) this.msrDeltas |= MSR_DDSR;
    if (changed & MSR_DCD) this.msrDeltas |= MSR_DDCD;
    // TERI flags only the trailing edge of RI (RI going inactive).
    if (this.msrLines & MSR_RI && !(lines & MSR_RI)) this.msrDeltas |= MSR_TERI;
    this.msrLines = lines;
    this.updateIrq();
  }

  private get fifoDepth(): number {
    return this.fifoEnabled ? RX_FIFO_BYTES : 1;
  }

  /**
   * Whether the guest is ready to receive: DTR and RTS raised. In loopback the line is the
   * guest's own, so no host input enters then.
   */
  private get receiverOpen(): boolean {
    return (this.mcr & (MCR_LOOP | MCR_DTR | MCR_RTS)) === (MCR_DTR | MCR_RTS);
  }

  /** Move waiting host input into the FIFO as space frees up, while the receiver is open. */
  private refillFifo(): void {
    if (!this.receiverOpen) return;
    while (this.backlog.count > 0 && this.rxFifo.count < this.fifoDepth) this.rxFifo.push(this.backlog.shift());
  }

  /**
   * The highest-priority enabled interrupt, as IIR bits 3:0. There is no character clock, so
   * data below the trigger level "times out" at once (IIR_CTI) rather than after 4 characters.
   */
  private pendingInterrupt(): number {
    const ier = this.ier;
    if (ier & IER_RLSI && this.lsrErrors) return IIR_RLSI;
    if (ier & IER_RDI && this.rxFifo.count > 0) {
      return this.rxFifo.count >= this.triggerLevel ? IIR_RDI : IIR_CTI;
    }
    if (ier & IER_THRI && this.thrPending) return IIR_THRI;
    if (ier & IER_MSI && this.msrDeltas) return IIR_MSI;
    return IIR_NO_INT;
  }

  private updateIrq(): void {
    this.irq.set(this.pendingInterrupt() !== IIR_NO_INT);
  }
}

/** In loopback the modem outputs feed the modem inputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD. */
function loopbackLines(mcr: number): number {
  return (
    (mcr & MCR_RTS ? MSR_CTS : 0) |
    (mcr & MCR_DTR ? MSR_DSR : 0) |
    (mcr & MCR_OUT1 ? MSR_RI : 0) |
    (mcr & MCR_OUT2 ? MSR_DCD : 0)
  );
}

/** The devicetree node Linux's 8250/16550 driver binds to (`console=ttyS0`). */
export const uartFdtNodes: FdtNodesOf = (at, ctx) => {
  const node = new FdtNode(`serial@${at.base.toString(16)}`).string("compatible", UART_COMPATIBLE);
  regOf(node, at.base, at.size).u32("clock-frequency", UART_CLOCK_HZ);
  return [irqOf(node, at, ctx)];
};
