// abi.test.ts — the Wasm/TS contract: host/core/abi.ts mirrors assembly/layout.ts exactly, and the host's export list matches the compiler's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as abi from "../../host/core/abi.js";
import { CORE_EXPORT_TYPES } from "../../host/core/wasm-core.js";
import { coreModule } from "../support/core.js";

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

/** The exports build/wasmvisor.d.ts declares (the compiler's own account of assembly/index.ts), with their Wasm types. */
function declaredExports(): Map<string, { params: string[]; result: string }> {
  const dts = readFileSync(join(import.meta.dirname, "../../build/wasmvisor.d.ts"), "utf8");
  const found = new Map<string, { params: string[]; result: string }>();
  for (const m of dts.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export function (\w+)\(/g)) {
    const doc = m[1]!;
    found.set(m[2]!, {
      params: [...doc.matchAll(/@param \w+ `(\w+)`/g)].map((p) => p[1]!),
      result: /@returns `(\w+)`/.exec(doc)?.[1] ?? "void",
    });
  }
  return found;
}

describe("Wasm/host export list", () => {
  const declared = declaredExports();
  it("the compiler's declarations list the core's functions", () => {
    expect(declared.size).toBeGreaterThan(20);
  });
  it("CORE_EXPORT_TYPES names exactly the functions the core exports, with their Wasm types", () => {
    const host = Object.fromEntries(Object.entries(CORE_EXPORT_TYPES).map(([name, [params, result]]) => [name, { params: [...params], result }]));
    expect(host).toEqual(Object.fromEntries(declared));
  });
  it("the compiled module exports every one of them as a function", async () => {
    const names = WebAssembly.Module.exports(await coreModule()).filter((e) => e.kind === "function").map((e) => e.name);
    for (const name of Object.keys(CORE_EXPORT_TYPES)) expect(names, name).toContain(name);
  });
});

describe("static data and the layout", () => {
  it("the compiler's static data (asconfig memoryBase) starts above the last record the layout uses", () => {
    const asconfig = JSON.parse(readFileSync(join(import.meta.dirname, "../../asconfig.json"), "utf8")) as { options: { memoryBase: number } };
    const lastRecordEnd = abi.CHAIN_SEGMENTS + abi.MAX_CHAIN * abi.CHAIN_SEGMENT_BYTES;
    expect(lastRecordEnd).toBeLessThanOrEqual(abi.SNAPSHOT_BASE);
    expect(abi.SNAPSHOT_BASE + abi.SNAPSHOT_BYTES).toBeLessThanOrEqual(asconfig.options.memoryBase);
    expect(abi.QUEUE_TABLE + abi.MAX_QUEUES * abi.QUEUE_RECORD).toBeLessThanOrEqual(abi.CHAIN_BASE);
    expect(asconfig.options.memoryBase).toBeLessThan(abi.RAM_OFFSET);
  });
});
