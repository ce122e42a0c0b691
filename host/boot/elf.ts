// elf.ts — parse ELF64 little-endian RISC-V executables and load their segments into guest RAM.
//
// The file is untrusted input: every offset and size read from it is a 64-bit value checked
// against the file length (or guest RAM) with bigint arithmetic before it is used, so a
// malformed file produces one ElfError naming the problem, never a RangeError from a view or
// a silently truncated segment. Segments are loaded at their physical addresses (p_paddr), the
// way QEMU and spike load bare-metal images; nothing is relocated.
import type { GuestMemory } from "../core/guest-memory.js";
import { hex } from "../core/hex.js";
import { BootError } from "./errors.js";

/** The ELF file is malformed, not a RISC-V RV64 executable, or does not fit guest RAM. */
export class ElfError extends BootError {
  constructor(message: string) {
    super(message);
    this.name = "ElfError";
  }
}

/** One PT_LOAD segment. */
export interface ElfSegment {
  /** Index in the program header table (as `readelf -l` numbers them), for messages. */
  index: number;
  /** Guest physical address the segment is loaded at. */
  paddr: bigint;
  /** Virtual address the program was linked for (equal to paddr in bare-metal images). */
  vaddr: bigint;
  /** The file part (p_filesz bytes): a view into the parsed buffer, not a copy. */
  data: Uint8Array;
  /** Size in memory (p_memsz); bytes past data.length are zero-filled (.bss). */
  memSize: bigint;
  /** PF_R / PF_W / PF_X bits. */
  flags: number;
}

export interface ElfImage {
  /** e_entry, as linked (a virtual address; see entryPaddr). */
  entry: bigint;
  segments: ElfSegment[];
  /** Defined symbols from .symtab by name (empty for a stripped file). Globals win over locals. */
  symbols: Map<string, bigint>;
}

// ---- ELF constants (names from the ELF spec / <elf.h>) ----
const EI_NIDENT = 16;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const EM_RISCV = 243;
const EHDR64_SIZE = 64;
const PHDR64_SIZE = 56;
const SHDR64_SIZE = 64;
const SYM64_SIZE = 24;
const PN_XNUM = 0xffff;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHN_UNDEF = 0;
const SHN_XINDEX = 0xffff;
const STB_LOCAL = 0;
const STT_SECTION = 3;
const STT_FILE = 4;
const U64_LIMIT = 1n << 64n;

const ET_NAMES: Record<number, string> = {
  0: "NONE",
  1: "REL (a relocatable object, not linked)",
  3: "DYN (a shared object or position-independent executable)",
  4: "CORE (a core dump)",
};

const MACHINE_NAMES: Record<number, string> = {
  0: "none",
  2: "SPARC",
  3: "x86",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "S390",
  40: "ARM",
  43: "SPARC V9",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

/** Reads fields of the untrusted file; every read is preceded by a range check of its own. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number {
    return this.bytes.length;
  }
  u8(off: number): number {
    return this.view.getUint8(off);
  }
  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
  u64(off: number): bigint {
    return this.view.getBigUint64(off, true);
  }
  /** True when [offset, offset + size) lies inside the file; exact for any 64-bit inputs. */
  fits(offset: bigint, size: bigint): boolean {
    return offset + size <= BigInt(this.bytes.length);
  }
}

/** Parse an ELF64 LE RISC-V executable. Throws ElfError naming the first problem found. */
export function parseElf(bytes: Uint8Array): ElfImage {
  const r = new Reader(bytes);
  if (r.length < 4 || r.u8(0) !== 0x7f || r.u8(1) !== 0x45 || r.u8(2) !== 0x4c || r.u8(3) !== 0x46) {
    throw new ElfError("not an ELF file (bad magic)");
  }
  if (r.length < EI_NIDENT) throw new ElfError(`ELF header truncated: file is ${r.length} bytes`);
  const elfClass = r.u8(4);
  if (elfClass !== ELFCLASS64) {
    const what = elfClass === 1 ? "32-bit" : `${elfClass} (invalid)`;
    throw new ElfError(`ELF class is ${what}, expected 64-bit (RV64)`);
  }
  const data = r.u8(5);
  if (data !== ELFDATA2LSB) {
    const what = data === 2 ? "big-endian" : `${data} (invalid)`;
    throw new ElfError(`ELF data encoding is ${what}, expected little-endian`);
  }
  if (r.u8(6) !== EV_CURRENT) throw new ElfError(`ELF identification version is ${r.u8(6)}, expected 1`);
  if (r.length < EHDR64_SIZE) {
    throw new ElfError(`ELF header truncated: file is ${r.length} bytes, the header needs ${EHDR64_SIZE}`);
  }

  const type = r.u16(16);
  const machine = r.u16(18);
  const version = r.u32(20);
  const entry = r.u64(24);
  const phoff = r.u64(32);
  const shoff = r.u64(40);
  const ehsize = r.u16(52);
  const phentsize = r.u16(54);
  const phnum = r.u16(56);
  const shentsize = r.u16(58);
  const shnum = r.u16(60);

  if (machine !== EM_RISCV) {
    const name = MACHINE_NAMES[machine] ?? "unknown";
    throw new ElfError(`ELF machine is ${machine} (${name}), expected ${EM_RISCV} (RISC-V)`);
  }
  // Only ET_EXEC: its segments carry the addresses they must run at. A DYN file (PIE or shared
  // object) is linked at 0 and expects a loader to pick a base and apply relocations; placing it
  // at its p_paddr would put it outside RAM or run it unrelocated, so refuse it up front.
  if (type !== ET_EXEC) {
    const name = ET_NAMES[type] ?? `${type} (unknown)`;
    throw new ElfError(`ELF type is ${name}, expected EXEC (link with -static -no-pie)`);
  }
  if (version !== EV_CURRENT) throw new ElfError(`ELF version is ${version}, expected 1`);
  if (ehsize !== EHDR64_SIZE) throw new ElfError(`ELF header size is ${ehsize}, expected ${EHDR64_SIZE}`);

  const segments = parseProgramHeaders(r, phoff, phnum, phentsize);
  const symbols = parseSymbols(r, shoff, shnum, shentsize);
  return { entry, segments, symbols };
}

function parseProgramHeaders(r: Reader, phoff: bigint, phnum: number, phentsize: number): ElfSegment[] {
  if (phnum === 0) throw new ElfError("ELF has no program headers");
  // PN_XNUM moves the count into section 0; no linker emits 65535 segments for a guest image.
  if (phnum === PN_XNUM) throw new ElfError("ELF uses extended program header numbering (PN_XNUM), not supported");
  if (phentsize !== PHDR64_SIZE) {
    throw new ElfError(`ELF program header entry size is ${phentsize}, expected ${PHDR64_SIZE}`);
  }
  const tableSize = BigInt(phnum * PHDR64_SIZE);
  if (!r.fits(phoff, tableSize)) {
    throw new ElfError(
      `program header table at offset ${hex(phoff)} +${hex(tableSize)} lies outside the file (${r.length} bytes)`,
    );
  }

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = Number(phoff) + i * PHDR64_SIZE;
    const type = r.u32(ph);
    if (type === PT_INTERP || type === PT_DYNAMIC) {
      throw new ElfError(`ELF is dynamically linked (segment ${i} is ${type === PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC"})`);
    }
    if (type !== PT_LOAD) continue; // notes, GNU_STACK, RISCV_ATTRIBUTES: nothing to load
    const flags = r.u32(ph + 4);
    const offset = r.u64(ph + 8);
    const vaddr = r.u64(ph + 16);
    const paddr = r.u64(ph + 24);
    const fileSize = r.u64(ph + 32);
    const memSize = r.u64(ph + 40);
    if (fileSize > memSize) {
      throw new ElfError(`segment ${i}: file size ${hex(fileSize)} exceeds memory size ${hex(memSize)}`);
    }
    // A segment with no file bytes (pure .bss) may carry any offset; only check real data.
    if (fileSize > 0n && !r.fits(offset, fileSize)) {
      throw new ElfError(
        `segment ${i}: file data at offset ${hex(offset)} +${hex(fileSize)} lies outside the file (${r.length} bytes)`,
      );
    }
    if (paddr + memSize > U64_LIMIT) {
      throw new ElfError(`segment ${i} at ${hex(paddr)} +${hex(memSize)} wraps around the 64-bit physical address space`);
    }
    if (vaddr + memSize > U64_LIMIT) {
      throw new ElfError(`segment ${i} at virtual ${hex(vaddr)} +${hex(memSize)} wraps around the 64-bit address space`);
    }
    if (memSize === 0n) continue; // occupies no memory, so it can neither load nor collide
    const start = Number(offset);
    const data = fileSize === 0n ? new Uint8Array(0) : r.bytes.subarray(start, start + Number(fileSize));
    segments.push({ index: i, paddr, vaddr, data, memSize, flags });
  }
  if (segments.length === 0) throw new ElfError("ELF has no loadable (PT_LOAD) segments");

  // Overlapping segments would make the image depend on load order; linkers never emit them.
  const byAddr = [...segments].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
  for (let i = 1; i < byAddr.length; i++) {
    const prev = byAddr[i - 1];
    const cur = byAddr[i];
    if (prev.paddr + prev.memSize > cur.paddr) {
      const [a, b] = prev.index < cur.index ? [prev, cur] : [cur, prev];
      throw new ElfError(
        `segments ${a.index} and ${b.index} overlap in physical memory ` +
          `(${hex(a.paddr)} +${hex(a.memSize)} and ${hex(b.paddr)} +${hex(b.memSize)})`,
      );
    }
  }
  return segments;
}

interface SectionHeader {
  type: number;
  offset: bigint;
  size: bigint;
  link: number;
  entsize: bigint;
}

function readSection(r: Reader, shoff: bigint, index: number): SectionHeader {
  const sh = Number(shoff) + index * SHDR64_SIZE;
  return {
    type: r.u32(sh + 4),
    offset: r.u64(sh + 24),
    size: r.u64(sh + 32),
    link: r.u32(sh + 40),
    entsize: r.u64(sh + 56),
  };
}

/** Read .symtab (found by type, not name) and its linked string table. Empty when absent. */
function parseSymbols(r: Reader, shoff: bigint, shnumField: number, shentsize: number): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  if (shoff === 0n) return symbols; // no section header table: nothing to read symbols from
  if (shentsize !== SHDR64_SIZE) {
    throw new ElfError(`ELF section header entry size is ${shentsize}, expected ${SHDR64_SIZE}`);
  }
  if (!r.fits(shoff, BigInt(SHDR64_SIZE))) {
    throw new ElfError(`section header table at offset ${hex(shoff)} lies outside the file (${r.length} bytes)`);
  }
  // e_shnum == 0 with a table present means the count did not fit 16 bits: section 0's sh_size holds it.
  let shnum = BigInt(shnumField);
  if (shnum === 0n) shnum = readSection(r, shoff, 0).size;
  const tableSize = shnum * BigInt(SHDR64_SIZE);
  if (!r.fits(shoff, tableSize)) {
    throw new ElfError(
      `section header table at offset ${hex(shoff)} +${hex(tableSize)} lies outside the file (${r.length} bytes)`,
    );
  }
  const count = Number(shnum);

  let symtabIndex = -1;
  for (let i = 1; i < count; i++) {
    if (r.u32(Number(shoff) + i * SHDR64_SIZE + 4) === SHT_SYMTAB) {
      symtabIndex = i;
      break; // the ELF spec allows one SHT_SYMTAB per file
    }
  }
  if (symtabIndex < 0) return symbols;

  const symtab = readSection(r, shoff, symtabIndex);
  if (symtab.entsize !== BigInt(SYM64_SIZE)) {
    throw new ElfError(`symbol table (section ${symtabIndex}) entry size is ${symtab.entsize}, expected ${SYM64_SIZE}`);
  }
  if (symtab.size % BigInt(SYM64_SIZE) !== 0n) {
    throw new ElfError(`symbol table (section ${symtabIndex}) size ${hex(symtab.size)} is not a multiple of ${SYM64_SIZE}`);
  }
  if (!r.fits(symtab.offset, symtab.size)) {
    throw new ElfError(
      `symbol table (section ${symtabIndex}) at offset ${hex(symtab.offset)} +${hex(symtab.size)} lies outside the file (${r.length} bytes)`,
    );
  }
  if (symtab.link === 0 || symtab.link === SHN_XINDEX || symtab.link >= count) {
    throw new ElfError(`symbol table (section ${symtabIndex}) links to string table section ${symtab.link}, which does not exist`);
  }
  const strtab = readSection(r, shoff, symtab.link);
  if (strtab.type !== SHT_STRTAB) {
    throw new ElfError(`symbol table (section ${symtabIndex}) links to section ${symtab.link}, which is not a string table`);
  }
  if (!r.fits(strtab.offset, strtab.size)) {
    throw new ElfError(
      `string table (section ${symtab.link}) at offset ${hex(strtab.offset)} +${hex(strtab.size)} lies outside the file (${r.length} bytes)`,
    );
  }
  const strings = r.bytes.subarray(Number(strtab.offset), Number(strtab.offset + strtab.size));
  const decoder = new TextDecoder();
  const isLocal = new Set<string>();

  const first = Number(symtab.offset);
  const nsyms = Number(symtab.size) / SYM64_SIZE;
  for (let i = 1; i < nsyms; i++) {
    const sym = first + i * SYM64_SIZE;
    const nameOff = r.u32(sym);
    const info = r.u8(sym + 4);
    const shndx = r.u16(sym + 6);
    const value = r.u64(sym + 8);
    const bind = info >> 4;
    const kind = info & 0xf;
    // Undefined symbols have no value; section and file symbols are not names a host looks up.
    if (nameOff === 0 || shndx === SHN_UNDEF || kind === STT_SECTION || kind === STT_FILE) continue;
    if (nameOff >= strings.length) {
      throw new ElfError(`symbol ${i} name offset ${hex(nameOff)} lies outside the string table (${strings.length} bytes)`);
    }
    const end = strings.indexOf(0, nameOff);
    if (end < 0) throw new ElfError(`symbol ${i} name is not NUL-terminated within the string table`);
    const name = decoder.decode(strings.subarray(nameOff, end));
    if (isMappingSymbol(name)) continue;
    const local = bind === STB_LOCAL;
    // Local names can repeat across object files; a global definition is the one a host means.
    if (symbols.has(name) && (local || !isLocal.has(name))) continue;
    symbols.set(name, value);
    if (local) isLocal.add(name);
    else isLocal.delete(name);
  }
  return symbols;
}

/** RISC-V mapping symbols ($x, $d, $xrv64i2p1_...) mark code/data regions for disassemblers, not names. */
function isMappingSymbol(name: string): boolean {
  return name === "$x" || name === "$d" || name.startsWith("$xrv");
}

/**
 * Translate a linked (virtual) address to the guest physical address it was loaded at, using
 * the segment whose virtual range contains it; addresses outside every segment are returned
 * unchanged (identity, as in bare-metal images where vaddr == paddr).
 */
export function vaddrToPaddr(image: ElfImage, va: bigint): bigint {
  for (const seg of image.segments) {
    if (va >= seg.vaddr && va - seg.vaddr < seg.memSize) return seg.paddr + (va - seg.vaddr);
  }
  return va;
}

/** The physical address to start executing at: e_entry through vaddrToPaddr. */
export function entryPaddr(image: ElfImage): bigint {
  return vaddrToPaddr(image, image.entry);
}

/** Throw ElfError unless every segment lies inside guest RAM [ramBase, ramBase + ramSizeBytes). */
export function checkElfFitsRam(image: ElfImage, ramBase: bigint, ramSizeBytes: number | bigint): void {
  const ramEnd = ramBase + BigInt(ramSizeBytes);
  for (const seg of image.segments) {
    if (seg.paddr < ramBase || seg.paddr + seg.memSize > ramEnd) {
      throw new ElfError(
        `segment ${seg.index} at ${hex(seg.paddr)} +${hex(seg.memSize)} lies outside guest RAM ${hex(ramBase)}-${hex(ramEnd)}`,
      );
    }
  }
}

/**
 * Copy every segment to its physical address and zero-fill its memory beyond the file part.
 * All segments are checked against RAM before the first byte is written, so a bad image leaves
 * guest RAM untouched. Accepts raw bytes (parsed here) or an already-parsed image.
 */
export function loadElf(guest: GuestMemory, image: ElfImage | Uint8Array): ElfImage {
  const elf = image instanceof Uint8Array ? parseElf(image) : image;
  checkElfFitsRam(elf, guest.base, guest.sizeBytes);
  for (const seg of elf.segments) {
    guest.write(seg.paddr, seg.data);
    // memSize fits a number here: the segment lies inside RAM, which is at most RAM_MAX bytes.
    const bssBytes = Number(seg.memSize) - seg.data.length;
    if (bssBytes > 0) guest.fill(seg.paddr + BigInt(seg.data.length), bssBytes, 0);
  }
  return elf;
}
