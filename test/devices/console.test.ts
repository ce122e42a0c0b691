// console.test.ts — the in-memory console backends: output collection, input delivery and type-ahead queueing.
import { describe, expect, it } from "vitest";
import { BufferConsole, CallbackConsole } from "../../host/backends/console.js";

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
