// isa.test.ts — runs every ISA test program in test/isa/elf on the product run loop; each must report pass through tohost.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runElfFile, tohostOutcome } from "../support/core.js";

const dir = join(import.meta.dirname, "elf");
const elfs = readdirSync(dir).filter((f) => f.endsWith(".elf")).sort();

describe("ISA tests (test/isa/src, run on the Wasm core)", () => {
  it("found the test programs", () => {
    expect(elfs.length).toBeGreaterThan(5);
  });
  for (const name of elfs) {
    it(name.replace(/\.elf$/, ""), async () => {
      const { result } = await runElfFile(join(dir, name));
      // On failure show which sub-test failed, not just "fail".
      expect(tohostOutcome(result)).toEqual({ outcome: "pass" });
    });
  }
});
