// stdio-console.test.ts — the Node terminal console over fake streams: raw mode on a TTY, restored on close; Ctrl-A escapes.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ESCAPE_HELP, StdioConsole } from "../../host/backends/node/stdio-console.js";

/** A stdin stand-in that records raw-mode changes. */
function fakeStdin(isTTY: boolean) {
  const stream = new PassThrough();
  const rawModes: boolean[] = [];
  Object.assign(stream, { isTTY, setRawMode: (on: boolean) => rawModes.push(on) });
  return { stdin: stream as unknown as NodeJS.ReadStream, stream, rawModes };
}

function fakeStdout() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stdout: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("StdioConsole", () => {
  it("does not touch stdin until a receiver registers, then uses raw mode on a TTY until close", async () => {
    const { stdin, stream, rawModes } = fakeStdin(true);
    const out = fakeStdout();
    const c = new StdioConsole({ stdin, stdout: out.stdout });
    expect(rawModes).toEqual([]);
    const got: number[] = [];
    c.onInput((bytes) => got.push(...bytes));
    expect(rawModes).toEqual([true]);
    stream.write(Buffer.from([0x03])); // Ctrl-C goes to the guest
    await tick();
    expect(got).toEqual([0x03]);
    c.write(Uint8Array.of(0x6f, 0x6b));
    await tick();
    expect(out.text()).toBe("ok");
    c.close();
    c.close();
    expect(rawModes).toEqual([true, false]);
  });

  it("reads a pipe without raw mode", async () => {
    const { stdin, stream, rawModes } = fakeStdin(false);
    const c = new StdioConsole({ stdin, stdout: fakeStdout().stdout });
    const got: number[] = [];
    c.onInput((bytes) => got.push(...bytes));
    stream.write("ab");
    await tick();
    expect(got).toEqual([0x61, 0x62]);
    expect(rawModes).toEqual([]);
    c.close();
  });

  it("Ctrl-A x exits, Ctrl-A Ctrl-A sends one Ctrl-A, even split across chunks", async () => {
    const { stdin, stream } = fakeStdin(true);
    let exits = 0;
    const c = new StdioConsole({ stdin, stdout: fakeStdout().stdout, onEscapeExit: () => exits++ });
    const got: number[] = [];
    c.onInput((bytes) => got.push(...bytes));
    stream.write(Buffer.from([0x61, 0x01]));
    await tick();
    stream.write(Buffer.from([0x01, 0x62, 0x01]));
    await tick();
    stream.write(Buffer.from([0x78]));
    await tick();
    expect(got).toEqual([0x61, 0x01, 0x62]);
    expect(exits).toBe(1);
    c.close();
  });

  it("Ctrl-A h lists the escapes on the terminal and sends nothing to the guest", async () => {
    const { stdin, stream } = fakeStdin(true);
    const out = fakeStdout();
    const c = new StdioConsole({ stdin, stdout: out.stdout, onEscapeExit: () => undefined });
    const got: number[] = [];
    c.onInput((bytes) => got.push(...bytes));
    stream.write(Buffer.from([0x01, 0x68]));
    await tick();
    expect(got).toEqual([]);
    expect(out.text()).toBe(ESCAPE_HELP);
    expect(ESCAPE_HELP).toContain("C-a x    exit wasmvisor");
    c.close();
  });
});
