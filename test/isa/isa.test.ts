// isa.test.ts — runs every ISA test program in test/isa/elf on the core; each must report pass through tohost.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runElfFile } from "../support/core.js";

const dir = join(import.meta.dirname, "elf");
const elfs = readdirSync(dir).filter((f) => f.endsWith(".elf")).sort();

describe("ISA tests (test/isa/src, run on the Wasm core)", () => {
  it("found the test programs", () => {
    expect(elfs.length).toBeGreaterThan(5);
  });
  for (const name of elfs) {
    it(name.replace(/\.elf$/, ""), async () => {
      const result = await runElfFile(join(dir, name));
      // On failure show which sub-test failed, not just "fail".
      expect({ outcome: result.outcome, testNumber: result.testNumber, message: result.message }).toEqual({
        outcome: "pass",
        testNumber: undefined,
        message: undefined,
      });
    });
  }
});
