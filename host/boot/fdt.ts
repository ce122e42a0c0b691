// fdt.ts — a flattened devicetree (DTB version 17) writer: a tree of FdtNodes (devices/fdt-node.ts) in, a blob out.
//
// Layout of the blob: 40-byte header, memory reservation map (u64 address/size pairs ending in
// a zero pair), structure block (BEGIN_NODE/PROP/END_NODE tokens, 4-byte aligned), strings
// block (property names, deduplicated). All integers are big-endian.
import { fdtValue, type FdtNode } from "../devices/fdt-node.js";

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;

export interface DtbOptions {
  /** Memory reservation map entries (address, size). */
  reserved?: Array<[bigint, bigint]>;
  bootCpuid?: number;
}

class ByteWriter {
  private buf = new Uint8Array(4096);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.length, v >>> 0);
    this.length += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.dv.setBigUint64(this.length, v);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  align4(): void {
    while (this.length % 4 !== 0) this.bytes(new Uint8Array(1));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Serialize a tree (the root node's name must be "") into a DTB v17 blob. */
export function buildDtb(root: FdtNode, opts: DtbOptions = {}): Uint8Array {
  if (root.name !== "") throw new Error("the devicetree root node must have an empty name");
  const strings = new ByteWriter();
  const stringOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      strings.bytes(fdtValue.string(name));
      stringOffsets.set(name, off);
    }
    return off;
  };

  const struct = new ByteWriter();
  const emit = (node: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(fdtValue.string(node.name));
    struct.align4();
    for (const [name, value] of node.props) {
      struct.u32(FDT_PROP);
      struct.u32(value.length);
      struct.u32(nameOffset(name));
      struct.bytes(value);
      struct.align4();
    }
    for (const child of node.children) emit(child);
    struct.u32(FDT_END_NODE);
  };
  emit(root);
  struct.u32(FDT_END);

  const rsv = new ByteWriter();
  for (const [addr, size] of opts.reserved ?? []) {
    rsv.u64(addr);
    rsv.u64(size);
  }
  rsv.u64(0n);
  rsv.u64(0n);

  const offRsv = HEADER_SIZE; // 40 is 8-byte aligned, as the reservation map requires
  const offStruct = offRsv + rsv.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;

  const out = new ByteWriter();
  out.u32(FDT_MAGIC);
  out.u32(total);
  out.u32(offStruct);
  out.u32(offStrings);
  out.u32(offRsv);
  out.u32(17); // version
  out.u32(16); // last compatible version
  out.u32(opts.bootCpuid ?? 0);
  out.u32(strings.length);
  out.u32(struct.length);
  out.bytes(rsv.result());
  out.bytes(struct.result());
  out.bytes(strings.result());
  return out.result();
}
