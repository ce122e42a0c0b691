// fdt-node.ts — a devicetree as data: nodes with named, already-encoded property values (the writer is boot/fdt.ts).
//
// Devices describe themselves with these nodes; serializing the tree into a DTB blob is the boot
// loader's job, so devices never import from boot/.

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
