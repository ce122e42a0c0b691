// abi.test.ts — host/abi.ts must mirror assembly/layout.ts exactly (addresses and exit kinds).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as abi from "../../host/core/abi.js";

/** Evaluate `export const NAME: type = expr;` lines of layout.ts in order (exprs use earlier names). */
function layoutConstants(): Map<string, bigint> {
  const src = readFileSync(join(import.meta.dirname, "../../assembly/layout.ts"), "utf8");
  const values = new Map<string, bigint>();
  const re = /^export const (\w+): \w+ = (.+);$/gm;
  for (const m of src.matchAll(re)) {
    const expr = m[2]!
      .replace(/\b(0x[0-9a-fA-F_]+|\d[\d_]*)\b/g, (n) => `${n.replace(/_/g, "")}n`)
      .replace(/\b([A-Z][A-Z0-9_]+)\b/g, (name) => `(${values.get(name) ?? "undefined"}n)`);
    values.set(m[1]!, BigInt(Function(`return ${expr};`)() as bigint));
  }
  return values;
}

describe("Wasm/host ABI", () => {
  const layout = layoutConstants();
  it("parses the layout", () => {
    expect(layout.size).toBeGreaterThan(20);
  });
  for (const [name, value] of layoutConstants()) {
    it(`${name} matches`, () => {
      if (name.startsWith("EXIT_") && !(name in abi)) {
        // exit kinds live in the ExitKind enum on the host side
        const kinds: Record<string, abi.ExitKind> = {
          EXIT_NONE: abi.ExitKind.None, EXIT_MMIO_READ: abi.ExitKind.MmioRead,
          EXIT_MMIO_WRITE: abi.ExitKind.MmioWrite, EXIT_SBI: abi.ExitKind.Sbi, EXIT_WFI: abi.ExitKind.Wfi,
          EXIT_BUDGET: abi.ExitKind.BudgetExhausted, EXIT_HALTED: abi.ExitKind.Halted,
          EXIT_TOHOST: abi.ExitKind.Tohost, EXIT_INTERNAL_ERROR: abi.ExitKind.InternalError,
        };
        expect(kinds[name], name).toBeDefined();
        expect(BigInt(kinds[name]!)).toBe(value);
        return;
      }
      const hostValue = (abi as unknown as Record<string, number | bigint>)[name];
      expect(hostValue, `${name} missing from host/abi.ts`).toBeDefined();
      expect(BigInt(hostValue!)).toBe(value);
    });
  }
});
