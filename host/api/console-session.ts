// console-session.ts — ConsoleSession: drive a guest's console like a person at a terminal (wait for text, type a line).
import type { VmResult } from "../vmm/vm.js";
import type { WasmvisorVm } from "./wasmvisor-vm.js";

export class ConsoleSession {
  private text = "";
  private readonly waiters: Array<() => void> = [];
  readonly done: Promise<VmResult>;

  constructor(readonly vm: WasmvisorVm, limits: { timeoutMs?: number } = {}) {
    vm.on("console", (bytes) => {
      this.text += new TextDecoder().decode(bytes);
      for (const w of this.waiters.splice(0)) w();
    });
    this.done = vm.run(limits);
    void this.done.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Everything the guest printed so far. */
  get output(): string {
    return this.text;
  }

  /** Wait until the output after `from` matches; returns the match. Fails after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let finished = false;
    void this.done.then(() => (finished = true));
    for (;;) {
      const m = pattern.exec(this.text.slice(from));
      if (m !== null) return m;
      if (finished) throw new Error(`guest stopped before printing ${pattern}; output ends:\n${this.text.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; output ends:\n${this.text.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Type a command and wait for `until` (default: the next shell prompt) after it. */
  async run(command: string, until: RegExp = /\n\/[^\n]* # $/, timeoutMs = 60_000): Promise<string> {
    const from = this.text.length;
    this.vm.sendInput(`${command}\n`);
    await this.waitFor(until, timeoutMs, from);
    return this.text.slice(from);
  }
}
