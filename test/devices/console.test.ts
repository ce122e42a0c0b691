// console.test.ts — the in-memory console backends: output collection, input delivery and type-ahead queueing; input held for polled consoles.
import { describe, expect, it } from "vitest";
import { ConsoleHub } from "../../host/api/wasmvisor-vm.js";
import { BufferConsole, CallbackConsole, InputQueue } from "../../host/backends/console.js";

describe("BufferConsole", () => {
  it("collects output across writes and copies the writer's buffer", () => {
    const c = new BufferConsole();
    const buf = Uint8Array.of(0x68);
    c.write(buf);
    buf[0] = 0x69;
    c.write(buf);
    expect(c.text()).toBe("hi");
    expect(c.text()).toBe("hi");
    c.clear();
    expect(c.output.length).toBe(0);
  });

  it("queues input pushed before a receiver registers, then delivers live", () => {
    const c = new BufferConsole();
    const got: string[] = [];
    c.push("early");
    c.onInput((bytes) => got.push(new TextDecoder().decode(bytes)));
    c.push("late");
    expect(got).toEqual(["early", "late"]);
  });
});

describe("CallbackConsole", () => {
  it("wires an output callback and an input source", () => {
    const out: number[] = [];
    let deliver: ((bytes: Uint8Array) => void) | undefined;
    const c = new CallbackConsole({ output: (bytes) => out.push(...bytes), input: (d) => (deliver = d) });
    c.write(Uint8Array.of(1, 2));
    expect(out).toEqual([1, 2]);
    const got: number[] = [];
    deliver!(Uint8Array.of(7));
    c.onInput((bytes) => got.push(...bytes));
    deliver!(Uint8Array.of(8));
    expect(got).toEqual([7, 8]);
  });
});

describe("InputQueue (the SBI console's getchar, HTIF reads)", () => {
  it("holds input until read, byte by byte in order, and reports what it holds", () => {
    const c = new BufferConsole();
    const q = new InputQueue(c);
    c.push("hey");
    expect(q.pendingInputBytes).toBe(3);
    expect([q.readByte(), q.readByte(), q.readByte(), q.readByte()]).toEqual([0x68, 0x65, 0x79, -1]);
    expect(q.pendingInputBytes).toBe(0);
  });

  it("keeps the oldest bytes and counts what it drops when full", () => {
    const c = new BufferConsole();
    const q = new InputQueue(c, 4);
    c.push("abcdef");
    expect([q.pendingInputBytes, q.dropped]).toEqual([4, 2]);
    expect(String.fromCharCode(q.readByte(), q.readByte(), q.readByte(), q.readByte())).toBe("abcd");
  });
});

describe("ConsoleHub (the API's console)", () => {
  it("gives every console its copy and reports the backlog of the console that holds least: the one the guest reads", () => {
    const hub = new ConsoleHub();
    const read = new InputQueue(hub);
    const unused = new InputQueue(hub);
    expect(hub.inputBacklogBytes).toBe(0);
    hub.send(new TextEncoder().encode("ls\n"));
    expect([read.pendingInputBytes, unused.pendingInputBytes, hub.inputBacklogBytes]).toEqual([3, 3, 3]);
    read.readByte();
    read.readByte();
    expect(hub.inputBacklogBytes).toBe(1);
  });
});

