// fdt.ts — a flattened devicetree (DTB version 17) writer: nodes with properties in, a blob out.
//
// Layout of the blob: 40-byte header, memory reservation map (u64 address/size pairs ending in
// a zero pair), structure block (BEGIN_NODE/PROP/END_NODE tokens, 4-byte aligned), strings
// block (property names, deduplicated). All integers are big-endian.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;

/** Property value encoders (devicetree values are big-endian cells, strings, or raw bytes). */
export const fdtValue = {
  empty: (): Uint8Array => new Uint8Array(0),
  u32: (...cells: number[]): Uint8Array => {
    const out = new Uint8Array(cells.length * 4);
    const dv = new DataView(out.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    return out;
  },
  /** Each value as two cells (high, low): the #address-cells = 2 / #size-cells = 2 encoding. */
  u64: (...values: bigint[]): Uint8Array => {
    const out = new Uint8Array(values.length * 8);
    const dv = new DataView(out.buffer);
    values.forEach((v, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, v)));
    return out;
  },
  /** One string, or a string list (each NUL-terminated). */
  string: (...items: string[]): Uint8Array => new TextEncoder().encode(items.map((s) => `${s}\0`).join("")),
};

export class FdtNode {
  readonly props: Array<[string, Uint8Array]> = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name.includes("\0") || name.includes("/")) throw new Error(`bad devicetree node name ${JSON.stringify(name)}`);
  }

  /** Add a property; a property name may appear once per node. */
  prop(name: string, value: Uint8Array): this {
    if (this.props.some(([n]) => n === name)) throw new Error(`duplicate property ${name} in node ${this.name}`);
    this.props.push([name, value]);
    return this;
  }

  u32(name: string, ...cells: number[]): this {
    return this.prop(name, fdtValue.u32(...cells));
  }
  u64(name: string, ...values: bigint[]): this {
    return this.prop(name, fdtValue.u64(...values));
  }
  string(name: string, ...items: string[]): this {
    return this.prop(name, fdtValue.string(...items));
  }
  flag(name: string): this {
    return this.prop(name, fdtValue.empty());
  }

  /** Add (and return) a child node. */
  add(child: FdtNode): FdtNode {
    if (this.children.some((c) => c.name === child.name)) {
      throw new Error(`duplicate node ${child.name} under ${this.name || "/"}`);
    }
    this.children.push(child);
    return child;
  }

  node(name: string): FdtNode {
    return this.add(new FdtNode(name));
  }
}

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
