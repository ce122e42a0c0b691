// uart16550.test.ts — every 16550A register and interrupt condition, driven byte by byte as a guest driver would.
import { beforeEach, describe, expect, it } from "vitest";
import { BufferConsole } from "../../host/backends/console.js";
import type { IrqLine } from "../../host/devices/irq-line.js";
import {
  FCR_CLEAR_RCVR,
  FCR_ENABLE_FIFO,
  IER_MSI,
  IER_RDI,
  IER_RLSI,
  IER_THRI,
  IIR_CTI,
  IIR_MSI,
  IIR_NO_INT,
  IIR_RDI,
  IIR_RLSI,
  IIR_THRI,
  LCR_DLAB,
  LSR_DR,
  LSR_OE,
  LSR_TEMT,
  LSR_THRE,
  MCR_DTR,
  MCR_LOOP,
  MCR_OUT1,
  MCR_OUT2,
  MCR_RTS,
  MSR_CTS,
  MSR_DCD,
  MSR_DCTS,
  MSR_DDCD,
  MSR_DDSR,
  MSR_DSR,
  MSR_RI,
  MSR_TERI,
  UART_IER,
  UART_IIR_FCR,
  UART_LCR,
  UART_LSR,
  UART_MCR,
  UART_MSR,
  UART_RBR_THR,
  UART_SCR,
} from "../../host/devices/uart16550-regs.js";
import { RX_FIFO_BYTES, Uart16550 } from "../../host/devices/uart16550.js";

/** Records every level the device drives. */
class FakeIrq implements IrqLine {
  readonly line = 10;
  readonly levels: boolean[] = [];
  get level(): boolean {
    return this.levels.at(-1) ?? false;
  }
  set(level: boolean): void {
    this.levels.push(level);
  }
}

describe("Uart16550", () => {
  let irq: FakeIrq;
  let console_: BufferConsole;
  let uart: Uart16550;

  function make(rxBacklogBytes?: number): void {
    irq = new FakeIrq();
    console_ = new BufferConsole();
    uart = new Uart16550({ irq, console: console_, ...(rxBacklogBytes !== undefined ? { rxBacklogBytes } : {}) });
  }
  const rd = (offset: number): number => {
    const data = new Uint8Array(1);
    expect(uart.read(offset, data)).toBe(true);
    return data[0]!;
  };
  const wr = (offset: number, value: number): void => {
    expect(uart.write(offset, Uint8Array.of(value))).toBe(true);
  };
  /** The guest raises DTR and RTS, as a driver opening the port does: host input may flow. */
  const listen = (): void => wr(UART_MCR, MCR_DTR | MCR_RTS);

  beforeEach(() => make());

  describe("registers", () => {
    it("comes up quiet: no interrupt, THR empty, modem lines ready", () => {
      expect(irq.level).toBe(false);
      expect(rd(UART_IER)).toBe(0);
      expect(rd(UART_IIR_FCR)).toBe(IIR_NO_INT);
      expect(rd(UART_LCR)).toBe(0);
      expect(rd(UART_MCR)).toBe(0);
      expect(rd(UART_LSR)).toBe(LSR_THRE | LSR_TEMT);
      expect(rd(UART_MSR)).toBe(MSR_DCD | MSR_DSR | MSR_CTS);
      expect(rd(UART_SCR)).toBe(0);
    });

    it("sends THR writes to the console at once, THRE/TEMT staying set", () => {
      for (const ch of "hi\n") wr(UART_RBR_THR, ch.charCodeAt(0));
      expect(console_.text()).toBe("hi\n");
      expect(uart.txBytes).toBe(3);
      expect(rd(UART_LSR) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
    });

    it("keeps the scratch register", () => {
      wr(UART_SCR, 0x5a);
      expect(rd(UART_SCR)).toBe(0x5a);
    });

    it("keeps LCR and masks IER to its four bits", () => {
      wr(UART_LCR, 0x1b);
      expect(rd(UART_LCR)).toBe(0x1b);
      wr(UART_IER, 0xff);
      expect(rd(UART_IER)).toBe(0x0f);
    });

    it("aliases offsets 0 and 1 to the divisor latch while DLAB is set", () => {
      listen();
      wr(UART_IER, IER_RDI);
      wr(UART_LCR, LCR_DLAB | 0x03);
      wr(UART_RBR_THR, 0x0c);
      wr(UART_IER, 0x01);
      expect(rd(UART_RBR_THR)).toBe(0x0c);
      expect(rd(UART_IER)).toBe(0x01);
      expect(uart.divisor).toBe(0x010c);
      expect(console_.output.length).toBe(0); // the DLL write was not transmitted
      wr(UART_LCR, 0x03);
      expect(rd(UART_IER)).toBe(IER_RDI); // IER untouched by the DLM write
      console_.push("z");
      expect(rd(UART_RBR_THR)).toBe(0x7a);
    });

    it("ignores writes to LSR and MSR", () => {
      wr(UART_LSR, 0xff);
      wr(UART_MSR, 0x00);
      expect(rd(UART_LSR)).toBe(LSR_THRE | LSR_TEMT);
      expect(rd(UART_MSR)).toBe(MSR_DCD | MSR_DSR | MSR_CTS);
    });

    it("refuses wide accesses and offsets past the eight registers", () => {
      expect(uart.read(0, new Uint8Array(4))).toBe(false);
      expect(uart.write(0, new Uint8Array(2))).toBe(false);
      expect(uart.read(8, new Uint8Array(1))).toBe(false);
      expect(uart.write(0xff, new Uint8Array(1))).toBe(false);
      expect(console_.output.length).toBe(0);
    });

    it("names its registers for the profiler", () => {
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((o) => uart.registerName(o))).toEqual([
        "THR/RBR", "IER", "IIR/FCR", "LCR", "MCR", "LSR", "MSR", "SCR", undefined,
      ]);
    });
  });

  describe("receive path", () => {
    it("delivers console input through RBR with LSR.DR", () => {
      listen();
      console_.push("ab");
      expect(rd(UART_LSR) & LSR_DR).toBe(LSR_DR);
      expect(rd(UART_RBR_THR)).toBe(0x61);
      expect(rd(UART_RBR_THR)).toBe(0x62);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      expect(rd(UART_RBR_THR)).toBe(0); // empty
      expect(uart.rxBytes).toBe(2);
    });

    it("receives input typed before the device existed", () => {
      const early = new BufferConsole();
      early.push("x");
      const u = new Uart16550({ irq: new FakeIrq(), console: early });
      u.write(UART_MCR, Uint8Array.of(MCR_DTR | MCR_RTS));
      const data = new Uint8Array(1);
      u.read(UART_RBR_THR, data);
      expect(data[0]).toBe(0x78);
    });

    it("holds input beyond the FIFO in the backlog, in order, without overrun", () => {
      listen();
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
      const text = "the quick brown fox jumps over the lazy dog";
      console_.push(text);
      let got = "";
      while (rd(UART_LSR) & LSR_DR) got += String.fromCharCode(rd(UART_RBR_THR));
      expect(got).toBe(text);
      expect(uart.overruns).toBe(0);
    });

    it("FCR clear-RX empties the FIFO and the RX interrupt", () => {
      listen();
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
      wr(UART_IER, IER_RDI);
      console_.push("abc");
      expect(irq.level).toBe(true);
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO | FCR_CLEAR_RCVR);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      expect(irq.level).toBe(false);
      console_.push("d");
      expect(rd(UART_RBR_THR)).toBe(0x64);
    });

    it("holds host input until the guest raises DTR and RTS, as Linux does when it opens the port", () => {
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
      console_.push("typed during boot");
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      // Linux's 8250 probe and startup: an IER probe with RDI set, FIFO clears, RBR reads.
      wr(UART_IER, 0x0f);
      wr(UART_IER, 0);
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO | FCR_CLEAR_RCVR);
      rd(UART_RBR_THR);
      wr(UART_IER, IER_RDI);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      expect(uart.pendingInputBytes).toBe(17);
      wr(UART_MCR, MCR_DTR); // DTR alone is not enough
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      listen();
      expect(irq.level).toBe(true);
      let got = "";
      while (rd(UART_LSR) & LSR_DR) got += String.fromCharCode(rd(UART_RBR_THR));
      expect(got).toBe("typed during boot");
      expect([uart.pendingInputBytes, uart.overruns]).toEqual([0, 0]);
    });

    it("stops taking host input when DTR or RTS drops, or in loopback, and resumes when raised", () => {
      listen();
      console_.push("a");
      wr(UART_MCR, MCR_RTS);
      console_.push("b");
      expect(rd(UART_RBR_THR)).toBe(0x61);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      wr(UART_MCR, MCR_LOOP | MCR_DTR | MCR_RTS);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      listen();
      expect(rd(UART_RBR_THR)).toBe(0x62);
    });

    it("toggling FIFO mode clears the RX FIFO; FIFO bits show in IIR", () => {
      console_.push("a");
      expect(rd(UART_IIR_FCR) & 0xc0).toBe(0);
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
      expect(rd(UART_IIR_FCR) & 0xc0).toBe(0xc0);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
      console_.push("b");
      wr(UART_IIR_FCR, 0);
      expect(rd(UART_IIR_FCR) & 0xc0).toBe(0);
      expect(rd(UART_LSR) & LSR_DR).toBe(0);
    });
  });

  describe("interrupts", () => {
    it("RX data available: raised by input when enabled, cleared by draining RBR", () => {
      listen();
      console_.push("a");
      expect(irq.level).toBe(false); // not enabled yet
      wr(UART_IER, IER_RDI);
      expect(irq.level).toBe(true);
      expect(rd(UART_IIR_FCR)).toBe(IIR_RDI);
      rd(UART_RBR_THR);
      expect(irq.level).toBe(false);
      expect(rd(UART_IIR_FCR)).toBe(IIR_NO_INT);
    });

    it("RX with FIFOs: data below the trigger level reports a character timeout, at it RX data", () => {
      listen();
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO | 0x40); // trigger level 4
      wr(UART_IER, IER_RDI);
      console_.push("abc");
      expect(rd(UART_IIR_FCR)).toBe(0xc0 | IIR_CTI);
      console_.push("d");
      expect(rd(UART_IIR_FCR)).toBe(0xc0 | IIR_RDI);
      expect(irq.level).toBe(true);
    });

    it("THR empty: raised when enabled, cleared by reading IIR, re-raised by each THR write", () => {
      wr(UART_IER, IER_THRI);
      expect(irq.level).toBe(true);
      expect(rd(UART_IIR_FCR)).toBe(IIR_THRI);
      expect(irq.level).toBe(false);
      expect(rd(UART_IIR_FCR)).toBe(IIR_NO_INT);
      wr(UART_RBR_THR, 0x41); // THR empties again at once: a new THR-empty event
      expect(irq.level).toBe(true);
      expect(irq.levels.slice(-2)).toEqual([false, true]); // the write itself cleared it first
      wr(UART_IER, 0);
      expect(irq.level).toBe(false);
    });

    it("line status: overrun raises OE and the interrupt, reading LSR clears both", () => {
      make(0);       listen();
// no backlog: the 17th byte overruns the FIFO
      wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
      wr(UART_IER, IER_RLSI);
      console_.push(new Uint8Array(RX_FIFO_BYTES).fill(0x61));
      expect(irq.level).toBe(false);
      console_.push("b");
      expect(uart.overruns).toBe(1);
      expect(irq.level).toBe(true);
      expect(rd(UART_IIR_FCR)).toBe(0xc0 | IIR_RLSI);
      expect(rd(UART_LSR)).toBe(LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
      expect(irq.level).toBe(false);
      expect(rd(UART_LSR) & LSR_OE).toBe(0);
    });

    it("overruns after one byte with FIFOs off", () => {
      make(0);
      listen();
      console_.push("ab");
      expect(uart.overruns).toBe(1);
      expect(rd(UART_RBR_THR)).toBe(0x61);
    });

    it("IIR reports the highest-priority source: line status > RX > THR empty > modem status", () => {
      make(0);
      wr(UART_IER, IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
      listen();
      console_.push("ab"); // second byte overruns the 1-byte holding register
      wr(UART_MCR, MCR_LOOP | MCR_RTS); // a CTS change: modem status pending
      expect(rd(UART_IIR_FCR)).toBe(IIR_RLSI);
      rd(UART_LSR);
      expect(rd(UART_IIR_FCR)).toBe(IIR_RDI);
      rd(UART_RBR_THR);
      expect(rd(UART_IIR_FCR)).toBe(IIR_THRI); // this read acknowledges it
      expect(rd(UART_IIR_FCR)).toBe(IIR_MSI);
      expect(irq.level).toBe(true);
      rd(UART_MSR);
      expect(rd(UART_IIR_FCR)).toBe(IIR_NO_INT);
      expect(irq.level).toBe(false);
    });

    it("reading IIR does not acknowledge THR empty while a higher source hides it", () => {
      listen();
      wr(UART_IER, IER_RDI | IER_THRI);
      console_.push("a");
      expect(rd(UART_IIR_FCR)).toBe(IIR_RDI);
      rd(UART_RBR_THR);
      expect(rd(UART_IIR_FCR)).toBe(IIR_THRI);
    });

    it("drops the line only when every enabled condition is gone", () => {
      listen();
      wr(UART_IER, IER_RDI | IER_THRI);
      console_.push("a");
      rd(UART_RBR_THR);
      expect(irq.level).toBe(true); // THR empty still pending
      rd(UART_IIR_FCR);
      expect(irq.level).toBe(false);
    });
  });

  describe("modem control and loopback", () => {
    it("loopback reflects MCR outputs in MSR with delta bits, cleared by reading MSR", () => {
      wr(UART_MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
      expect(rd(UART_MCR)).toBe(MCR_LOOP | MCR_OUT2 | MCR_RTS);
      // Linux's 8250 autoconfig test: expects 0x90 in the upper nibble.
      expect(rd(UART_MSR)).toBe(MSR_DCD | MSR_CTS | MSR_DDSR);
      expect(rd(UART_MSR)).toBe(MSR_DCD | MSR_CTS);
      wr(UART_MCR, MCR_LOOP | MCR_DTR | MCR_OUT1);
      expect(rd(UART_MSR)).toBe(MSR_DSR | MSR_RI | MSR_DCTS | MSR_DDSR | MSR_DDCD);
      wr(UART_MCR, MCR_LOOP | MCR_DTR);
      expect(rd(UART_MSR)).toBe(MSR_DSR | MSR_TERI); // RI fell: trailing edge
    });

    it("loopback sends THR back to RBR, not to the console", () => {
      wr(UART_MCR, MCR_LOOP);
      wr(UART_RBR_THR, 0x42);
      expect(console_.output.length).toBe(0);
      expect(rd(UART_RBR_THR)).toBe(0x42);
      wr(UART_MCR, 0);
      wr(UART_RBR_THR, 0x43);
      expect(console_.text()).toBe("C");
    });

    it("modem status interrupt on a line change when enabled", () => {
      wr(UART_IER, IER_MSI);
      expect(irq.level).toBe(false);
      wr(UART_MCR, MCR_LOOP);
      expect(irq.level).toBe(true);
      expect(rd(UART_IIR_FCR)).toBe(IIR_MSI);
      rd(UART_MSR);
      expect(irq.level).toBe(false);
    });
  });

  it("reset returns to power-on state and drops the line", () => {
    wr(UART_IER, IER_THRI);
    wr(UART_LCR, 0x83);
    wr(UART_SCR, 1);
    wr(UART_IIR_FCR, FCR_ENABLE_FIFO);
    console_.push("a");
    uart.reset();
    expect(irq.level).toBe(false);
    expect(rd(UART_IER)).toBe(0);
    expect(rd(UART_LCR)).toBe(0);
    expect(rd(UART_SCR)).toBe(0);
    expect(rd(UART_IIR_FCR)).toBe(IIR_NO_INT);
    expect(rd(UART_LSR)).toBe(LSR_THRE | LSR_TEMT);
  });
});
