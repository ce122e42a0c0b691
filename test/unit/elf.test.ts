// elf.test.ts — the ELF parser and loaders against hand-built files: each check breaks exactly one field of a valid ELF.
import { describe, expect, it } from "vitest";
import { RAM_BASE, RAM_OFFSET } from "../../host/core/abi.js";
import { checkElfFitsRam, ElfError, entryPaddr, loadElf, parseElf, vaddrToPaddr } from "../../host/boot/elf.js";
import { BootError } from "../../host/boot/errors.js";
import { checkRawFitsRam, loadRaw, RawImageError } from "../../host/boot/raw.js";
import { GuestMemory } from "../../host/core/guest-memory.js";
import {
  buildElf,
  buildElfWithLayout,
  EH_OFF,
  type ElfSpec,
  PF_R,
  PF_W,
  PF_X,
  PH_OFF,
  phdrOffset,
  PT_INTERP,
  PT_LOAD,
  PT_NOTE,
  setU16,
  setU32,
  setU64,
  setU8,
  SH_OFF,
  shdrOffset,
  SYM_OFF,
} from "../support/elf-builder.js";

const RAM_BYTES = 1 << 20;
const CODE = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const DATA = Uint8Array.of(0xd0, 0xd1, 0xd2, 0xd3);

/** A typical bare-metal test: code, data with .bss after it, tohost/fromhost symbols. */
function sampleSpec(): ElfSpec {
  return {
    entry: 0x8000_0000n,
    segments: [
      { vaddr: 0x8000_0000n, data: CODE, flags: PF_R | PF_X },
      { vaddr: 0x8000_1000n, data: DATA, memSize: 0x40n, flags: PF_R | PF_W },
    ],
    symbols: [
      { name: "_start", value: 0x8000_0000n, kind: "func" },
      { name: "tohost", value: 0x8000_1000n, kind: "object" },
      { name: "fromhost", value: 0x8000_1008n, kind: "object" },
    ],
  };
}
const sample = (): Uint8Array => buildElf(sampleSpec());

function makeGuest(ramBytes = RAM_BYTES): GuestMemory {
  const pages = (RAM_OFFSET + ramBytes) / 65536;
  return new GuestMemory(new WebAssembly.Memory({ initial: pages, maximum: pages }), ramBytes);
}

/** The ElfError parseElf throws; fails the test if it throws anything else or nothing. */
function elfError(bytes: Uint8Array): ElfError {
  try {
    parseElf(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(ElfError);
    expect(err).toBeInstanceOf(BootError);
    const message = (err as ElfError).message;
    expect(message).not.toContain("\n"); // the CLI prints it as one line
    return err as ElfError;
  }
  throw new Error("parseElf accepted a malformed file");
}

function mutate(edit: (bytes: Uint8Array) => void, spec: ElfSpec = sampleSpec()): Uint8Array {
  const bytes = buildElf(spec);
  edit(bytes);
  return bytes;
}

describe("parseElf on valid files", () => {
  it("reads entry, segments and symbols", () => {
    const image = parseElf(sample());
    expect(image.entry).toBe(0x8000_0000n);
    expect(image.segments).toHaveLength(2);
    const [code, data] = image.segments;
    expect(code.index).toBe(0);
    expect(code.paddr).toBe(0x8000_0000n);
    expect(code.vaddr).toBe(0x8000_0000n);
    expect(Array.from(code.data)).toEqual(Array.from(CODE));
    expect(code.memSize).toBe(32n);
    expect(code.flags).toBe(PF_R | PF_X);
    expect(data.index).toBe(1);
    expect(Array.from(data.data)).toEqual(Array.from(DATA));
    expect(data.memSize).toBe(0x40n);
    expect(image.symbols.get("tohost")).toBe(0x8000_1000n);
    expect(image.symbols.get("fromhost")).toBe(0x8000_1008n);
    expect(image.symbols.get("_start")).toBe(0x8000_0000n);
  });

  it("skips segments that are not PT_LOAD, and PT_LOAD segments of no memory size", () => {
    const image = parseElf(
      buildElf({
        segments: [
          { type: PT_NOTE, vaddr: 0n, data: Uint8Array.of(1, 2, 3, 4) },
          { vaddr: 0x8000_0000n, data: CODE },
          { vaddr: 0x1234n, memSize: 0n }, // empty: loads nothing, so it cannot be "outside RAM"
        ],
        entry: 0x8000_0000n,
      }),
    );
    expect(image.segments.map((s) => s.index)).toEqual([1]);
  });

  it("accepts a .bss-only segment with no file data", () => {
    const image = parseElf(
      buildElf({ segments: [{ vaddr: 0x8000_0000n, data: CODE }, { vaddr: 0x8001_0000n, memSize: 0x1000n }] }),
    );
    expect(image.segments[1].data.length).toBe(0);
    expect(image.segments[1].memSize).toBe(0x1000n);
  });

  it("has no symbols when the file is stripped or has no section headers", () => {
    expect(parseElf(buildElf({ ...sampleSpec(), symbols: undefined })).symbols.size).toBe(0);
    expect(parseElf(buildElf({ ...sampleSpec(), noSections: true })).symbols.size).toBe(0);
  });

  it("prefers a global symbol over a local one of the same name, and skips undefined, section and file symbols", () => {
    const image = parseElf(
      buildElf({
        ...sampleSpec(),
        symbols: [
          { name: "dup", value: 1n, bind: "local" },
          { name: "dup", value: 2n, bind: "global" },
          { name: "dup", value: 3n, bind: "local" },
          { name: "weakling", value: 4n, bind: "weak" },
          { name: "missing", value: 0n, shndx: 0 },
          { name: ".text", value: 5n, kind: "section", bind: "local" },
          { name: "crt.S", value: 0n, kind: "file", bind: "local" },
          { name: "$xrv64i2p1_m2p0", value: 0x8000_0000n, bind: "local" },
          { name: "tohost", value: 0x8000_1000n },
        ],
      }),
    );
    expect(image.symbols.get("dup")).toBe(2n);
    expect(image.symbols.get("weakling")).toBe(4n);
    expect(image.symbols.has("missing")).toBe(false);
    expect(image.symbols.has(".text")).toBe(false);
    expect(image.symbols.has("crt.S")).toBe(false);
    expect(image.symbols.has("$xrv64i2p1_m2p0")).toBe(false);
    expect(image.symbols.get("tohost")).toBe(0x8000_1000n);
  });

  it("reads the section count from section 0 when e_shnum is 0 (extended numbering)", () => {
    const bytes = mutate((b) => {
      const count = new DataView(b.buffer).getUint16(EH_OFF.shnum, true);
      setU16(b, EH_OFF.shnum, 0);
      setU64(b, shdrOffset(b, 0) + SH_OFF.size, BigInt(count));
    });
    expect(parseElf(bytes).symbols.get("tohost")).toBe(0x8000_1000n);
  });

  it("translates linked (virtual) addresses to load (physical) addresses", () => {
    const image = parseElf(
      buildElf({
        entry: 0xffff_ffff_8000_0010n,
        segments: [{ vaddr: 0xffff_ffff_8000_0000n, paddr: 0x8020_0000n, data: CODE, memSize: 0x100n }],
      }),
    );
    expect(entryPaddr(image)).toBe(0x8020_0010n);
    expect(vaddrToPaddr(image, 0xffff_ffff_8000_00ffn)).toBe(0x8020_00ffn);
    expect(vaddrToPaddr(image, 0xffff_ffff_8000_0100n)).toBe(0xffff_ffff_8000_0100n); // past the segment: unchanged
    expect(vaddrToPaddr(image, 0x8000_0000n)).toBe(0x8000_0000n);
  });
});

describe("parseElf rejects", () => {
  it.each([
    ["an empty file", new Uint8Array(0), "not an ELF file (bad magic)"],
    ["a text file", new TextEncoder().encode("#!/bin/sh\necho hi\n"), "not an ELF file (bad magic)"],
    ["a file with only the magic", Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2), "ELF header truncated: file is 5 bytes"],
  ])("%s", (_, bytes, message) => {
    expect(elfError(bytes).message).toBe(message);
  });

  it("a header cut short", () => {
    expect(elfError(sample().slice(0, 40)).message).toBe("ELF header truncated: file is 40 bytes, the header needs 64");
  });

  it.each([
    ["32-bit class", EH_OFF.class, 1, "ELF class is 32-bit, expected 64-bit (RV64)"],
    ["invalid class", EH_OFF.class, 7, "ELF class is 7 (invalid), expected 64-bit (RV64)"],
    ["big-endian data", EH_OFF.data, 2, "ELF data encoding is big-endian, expected little-endian"],
    ["invalid data encoding", EH_OFF.data, 0, "ELF data encoding is 0 (invalid), expected little-endian"],
    ["identification version", EH_OFF.identVersion, 0, "ELF identification version is 0, expected 1"],
  ])("%s", (_, offset, value, message) => {
    expect(elfError(mutate((b) => setU8(b, offset, value))).message).toBe(message);
  });

  it.each([
    [62, "ELF machine is 62 (x86-64), expected 243 (RISC-V)"],
    [183, "ELF machine is 183 (AArch64), expected 243 (RISC-V)"],
    [4242, "ELF machine is 4242 (unknown), expected 243 (RISC-V)"],
  ])("machine %d", (machine, message) => {
    expect(elfError(buildElf({ ...sampleSpec(), machine })).message).toBe(message);
  });

  it.each([
    [3, "ELF type is DYN (a shared object or position-independent executable), expected EXEC (link with -static -no-pie)"],
    [1, "ELF type is REL (a relocatable object, not linked), expected EXEC (link with -static -no-pie)"],
    [4, "ELF type is CORE (a core dump), expected EXEC (link with -static -no-pie)"],
    [0x1234, "ELF type is 4660 (unknown), expected EXEC (link with -static -no-pie)"],
  ])("type %d", (type, message) => {
    expect(elfError(buildElf({ ...sampleSpec(), type })).message).toBe(message);
  });

  it.each([
    ["e_version", (b: Uint8Array) => setU32(b, EH_OFF.version, 0), "ELF version is 0, expected 1"],
    ["e_ehsize", (b: Uint8Array) => setU16(b, EH_OFF.ehsize, 52), "ELF header size is 52, expected 64"],
    ["no program headers", (b: Uint8Array) => setU16(b, EH_OFF.phnum, 0), "ELF has no program headers"],
    [
      "PN_XNUM",
      (b: Uint8Array) => setU16(b, EH_OFF.phnum, 0xffff),
      "ELF uses extended program header numbering (PN_XNUM), not supported",
    ],
    [
      "e_phentsize",
      (b: Uint8Array) => setU16(b, EH_OFF.phentsize, 32),
      "ELF program header entry size is 32, expected 56",
    ],
    [
      "a program header table past the end",
      (b: Uint8Array) => setU64(b, EH_OFF.phoff, BigInt(b.length - 56)),
      /^program header table at offset 0x[0-9a-f]+ \+0x70 lies outside the file \(\d+ bytes\)$/,
    ],
    [
      "a program header offset that overflows 64 bits",
      (b: Uint8Array) => setU64(b, EH_OFF.phoff, (1n << 64n) - 8n),
      "program header table at offset 0xfffffffffffffff8 +0x70 lies outside the file",
    ],
  ])("%s", (_, edit, message) => {
    const err = elfError(mutate(edit));
    if (typeof message === "string") expect(err.message).toContain(message);
    else expect(err.message).toMatch(message);
  });

  it("a dynamically linked executable", () => {
    const bytes = buildElf({
      segments: [{ type: PT_INTERP, vaddr: 0n, data: new TextEncoder().encode("/lib/ld.so\0") }, ...sampleSpec().segments],
    });
    expect(elfError(bytes).message).toBe("ELF is dynamically linked (segment 0 is PT_INTERP)");
  });

  const seg1 = (field: keyof typeof PH_OFF): number => phdrOffset(1) + PH_OFF[field];

  it.each([
    ["file size above memory size", (b: Uint8Array) => setU64(b, seg1("memsz"), 2n), "segment 1: file size 0x4 exceeds memory size 0x2"],
    [
      "file data past the end of the file",
      (b: Uint8Array) => setU64(b, seg1("offset"), BigInt(b.length - 2)),
      /^segment 1: file data at offset 0x[0-9a-f]+ \+0x4 lies outside the file \(\d+ bytes\)$/,
    ],
    [
      "file data whose offset + size overflows 64 bits",
      (b: Uint8Array) => setU64(b, seg1("offset"), (1n << 64n) - 2n),
      "segment 1: file data at offset 0xfffffffffffffffe +0x4 lies outside the file",
    ],
    [
      "a huge file size",
      (b: Uint8Array) => {
        setU64(b, seg1("filesz"), 1n << 62n);
        setU64(b, seg1("memsz"), 1n << 62n);
      },
      "segment 1: file data at offset",
    ],
    [
      "a physical range that wraps around 2^64",
      (b: Uint8Array) => setU64(b, seg1("paddr"), (1n << 64n) - 0x10n),
      "segment 1 at 0xfffffffffffffff0 +0x40 wraps around the 64-bit physical address space",
    ],
    [
      "a virtual range that wraps around 2^64",
      (b: Uint8Array) => setU64(b, seg1("vaddr"), (1n << 64n) - 0x10n),
      "segment 1 at virtual 0xfffffffffffffff0 +0x40 wraps around the 64-bit address space",
    ],
    [
      "overlapping segments",
      (b: Uint8Array) => setU64(b, seg1("paddr"), 0x8000_0010n),
      "segments 0 and 1 overlap in physical memory (0x80000000 +0x20 and 0x80000010 +0x40)",
    ],
  ])("%s", (_, edit, message) => {
    const err = elfError(mutate(edit));
    if (typeof message === "string") expect(err.message).toContain(message);
    else expect(err.message).toMatch(message);
  });

  it("a file with no loadable segments", () => {
    const bytes = buildElf({ segments: [{ type: PT_NOTE, vaddr: 0n, data: Uint8Array.of(1) }] });
    expect(elfError(bytes).message).toBe("ELF has no loadable (PT_LOAD) segments");
    const onlyEmpty = buildElf({ segments: [{ type: PT_LOAD, vaddr: 0x8000_0000n, memSize: 0n }] });
    expect(elfError(onlyEmpty).message).toBe("ELF has no loadable (PT_LOAD) segments");
  });

  describe("broken section and symbol tables", () => {
    const layout = buildElfWithLayout(sampleSpec());
    const symtabIndex = layout.symtabIndex ?? -1;
    const firstSym = layout.firstSymbolOffset ?? -1;
    const symtabField = (b: Uint8Array, field: keyof typeof SH_OFF): number => shdrOffset(b, symtabIndex) + SH_OFF[field];

    it.each([
      ["e_shentsize", (b: Uint8Array) => setU16(b, EH_OFF.shentsize, 40), "ELF section header entry size is 40, expected 64"],
      [
        "a section header table past the end",
        (b: Uint8Array) => setU64(b, EH_OFF.shoff, BigInt(b.length)),
        /^section header table at offset 0x[0-9a-f]+ lies outside the file/,
      ],
      [
        "a section count running past the end",
        (b: Uint8Array) => setU16(b, EH_OFF.shnum, 0xfff0),
        /^section header table at offset 0x[0-9a-f]+ \+0x3ffc00 lies outside the file/,
      ],
      [
        "an extended section count running past the end",
        (b: Uint8Array) => {
          setU16(b, EH_OFF.shnum, 0);
          setU64(b, shdrOffset(b, 0) + SH_OFF.size, 1n << 60n);
        },
        /^section header table at offset 0x[0-9a-f]+ \+0x40000000000000000 lies outside the file/,
      ],
      [
        "a symbol entry size",
        (b: Uint8Array) => setU64(b, symtabField(b, "entsize"), 16n),
        `symbol table (section ${symtabIndex}) entry size is 16, expected 24`,
      ],
      [
        "a symbol table size",
        (b: Uint8Array) => setU64(b, symtabField(b, "size"), 25n),
        `symbol table (section ${symtabIndex}) size 0x19 is not a multiple of 24`,
      ],
      [
        "a symbol table past the end",
        (b: Uint8Array) => setU64(b, symtabField(b, "offset"), BigInt(b.length - 24)),
        new RegExp(`^symbol table \\(section ${symtabIndex}\\) at offset 0x[0-9a-f]+ \\+0x60 lies outside the file`),
      ],
      [
        "a string table link to no section",
        (b: Uint8Array) => setU32(b, symtabField(b, "link"), 99),
        `symbol table (section ${symtabIndex}) links to string table section 99, which does not exist`,
      ],
      [
        "a string table link to a non-string-table",
        (b: Uint8Array) => setU32(b, symtabField(b, "link"), symtabIndex),
        `symbol table (section ${symtabIndex}) links to section ${symtabIndex}, which is not a string table`,
      ],
      [
        "a string table past the end",
        (b: Uint8Array) => setU64(b, shdrOffset(b, symtabIndex + 1) + SH_OFF.size, 1n << 63n),
        `string table (section ${symtabIndex + 1}) at offset`,
      ],
      [
        "a symbol name outside the string table",
        (b: Uint8Array) => setU32(b, firstSym + SYM_OFF.name, 0x10000),
        "symbol 1 name offset 0x10000 lies outside the string table",
      ],
      [
        "a symbol name without its NUL",
        (b: Uint8Array) => {
          const strtab = shdrOffset(b, symtabIndex + 1);
          const dv = new DataView(b.buffer);
          const off = Number(dv.getBigUint64(strtab + SH_OFF.offset, true));
          const size = Number(dv.getBigUint64(strtab + SH_OFF.size, true));
          b[off + size - 1] = 0x41; // the last name loses its terminator
        },
        "name is not NUL-terminated within the string table",
      ],
    ])("%s", (_, edit, message) => {
      const err = elfError(mutate(edit));
      if (typeof message === "string") expect(err.message).toContain(message);
      else expect(err.message).toMatch(message);
    });
  });

  it("any corruption of a valid file with ElfError or a valid image, never another exception", () => {
    // Deterministic pseudo-random byte flips over the headers and tables (xorshift32).
    let seed = 0x2545f491;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const base = sample();
    for (let round = 0; round < 3000; round++) {
      const bytes = base.slice();
      const flips = 1 + rand(4);
      for (let f = 0; f < flips; f++) bytes[rand(bytes.length)] = rand(256);
      try {
        parseElf(bytes);
      } catch (err) {
        if (!(err instanceof ElfError)) throw new Error(`round ${round}: ${String(err)}`);
      }
    }
  });
});

describe("loadElf", () => {
  it("copies each segment to its physical address and zero-fills the rest of its memory size", () => {
    const guest = makeGuest();
    guest.fill(RAM_BASE, 0x2000, 0xaa);
    const image = loadElf(guest, sample());
    expect(Array.from(guest.read(0x8000_0000n, 32))).toEqual(Array.from(CODE));
    expect(guest.readU8(0x8000_0000n + 32n)).toBe(0xaa); // past memSize: untouched
    expect(Array.from(guest.read(0x8000_1000n, 4))).toEqual(Array.from(DATA));
    expect(guest.read(0x8000_1004n, 0x3c).every((b) => b === 0)).toBe(true); // .bss cleared
    expect(guest.readU8(0x8000_1040n)).toBe(0xaa);
    expect(image.symbols.get("tohost")).toBe(0x8000_1000n);
  });

  it("loads at p_paddr, not p_vaddr", () => {
    const guest = makeGuest();
    loadElf(guest, buildElf({ segments: [{ vaddr: 0xffff_ffff_8000_0000n, paddr: 0x8000_8000n, data: CODE }] }));
    expect(Array.from(guest.read(0x8000_8000n, 32))).toEqual(Array.from(CODE));
  });

  it("accepts an already-parsed image", () => {
    const guest = makeGuest();
    const image = parseElf(sample());
    expect(loadElf(guest, image)).toBe(image);
    expect(guest.readU8(0x8000_0000n)).toBe(1);
  });

  it.each([
    ["below RAM", 0x1000n, "segment 1 at 0x1000 +0x40 lies outside guest RAM 0x80000000-0x80100000"],
    ["past the end of RAM", 0x8010_0000n, "segment 1 at 0x80100000 +0x40 lies outside guest RAM 0x80000000-0x80100000"],
    ["straddling the end of RAM", 0x800f_fff0n, "segment 1 at 0x800ffff0 +0x40 lies outside guest RAM 0x80000000-0x80100000"],
  ])("refuses a segment %s and writes nothing", (_, paddr, message) => {
    const guest = makeGuest();
    const spec = sampleSpec();
    spec.segments[1].paddr = paddr;
    expect(() => loadElf(guest, buildElf(spec))).toThrow(new ElfError(message));
    expect(guest.read(RAM_BASE, 64).every((b) => b === 0)).toBe(true); // segment 0 was valid but not copied
  });

  it("checkElfFitsRam checks against a RAM size without a VM", () => {
    const image = parseElf(sample());
    expect(() => checkElfFitsRam(image, RAM_BASE, 0x2000)).not.toThrow();
    expect(() => checkElfFitsRam(image, RAM_BASE, 0x1020)).toThrow(
      "segment 1 at 0x80001000 +0x40 lies outside guest RAM 0x80000000-0x80001020",
    );
  });
});

describe("loadRaw", () => {
  it("loads at the start of RAM by default", () => {
    const guest = makeGuest();
    expect(loadRaw(guest, CODE)).toEqual({ gpa: RAM_BASE, sizeBytes: 32 });
    expect(Array.from(guest.read(RAM_BASE, 32))).toEqual(Array.from(CODE));
  });

  it("loads at a given address, up to the last byte of RAM", () => {
    const guest = makeGuest();
    const end = RAM_BASE + BigInt(RAM_BYTES);
    loadRaw(guest, CODE, end - 32n);
    expect(Array.from(guest.read(end - 32n, 32))).toEqual(Array.from(CODE));
  });

  it.each([
    ["below RAM", 0x7fff_fff0n, "raw image at 0x7ffffff0 +0x20 lies outside guest RAM 0x80000000-0x80100000"],
    ["straddling the end", 0x800f_fff0n, "raw image at 0x800ffff0 +0x20 lies outside guest RAM 0x80000000-0x80100000"],
    ["near 2^64", (1n << 64n) - 16n, "raw image at 0xfffffffffffffff0 +0x20 lies outside guest RAM"],
  ])("refuses an image %s", (_, gpa, message) => {
    const guest = makeGuest();
    const err = (() => {
      try {
        loadRaw(guest, CODE, gpa);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RawImageError);
    expect(err).toBeInstanceOf(BootError);
    expect((err as Error).message).toContain(message);
  });

  it("refuses an empty image", () => {
    expect(() => checkRawFitsRam(0, RAM_BASE, RAM_BASE, RAM_BYTES)).toThrow(new RawImageError("raw image is empty"));
  });
});
