// machine-description.ts — the machine a snapshot was taken of, as its header records it, and the check that a restore builds the same one.
import type { UnmappedPolicy } from "../devices/bus.js";
import { RNG_DEVICES, type RngDevice, type VmSpec } from "../vmm/spec.js";
import type { ClockMode } from "../vmm/vm.js";
import type { DiskIdentity } from "./disk-identity.js";
import { SnapshotError } from "./format.js";

export interface DiskDescription {
  sizeBytes: number;
  readOnly: boolean;
  /** Copy-on-write over its base: the overlay's blocks are in the snapshot. */
  overlay: boolean;
  identity: DiskIdentity;
}

/** Everything that decides the machine's shape: restoring builds exactly this one again. */
export interface MachineDescription {
  memoryMiB: number;
  clock: ClockMode;
  guestKind: "elf" | "linux";
  /** The built-in SBI answers S-mode ecalls (a kernel without --bios). */
  sbi: boolean;
  /** HTIF words of a bare-metal guest (hex), if it has them. */
  htif: { tohost: string; fromhost: string | null } | null;
  rng: RngDevice[];
  virtioConsole: boolean;
  unmapped: UnmappedPolicy;
  /** The seeded entropy's seed (decimal), or null for the platform's entropy. */
  entropySeed: string | null;
  disks: DiskDescription[];
  /** The devices on the bus, by name and base (hex), in address order: a cross-check. */
  devices: Array<{ name: string; base: string }>;
}

/** Read the description out of a header, refusing anything that is not one (a crafted file must not reach the builder). */
export function readDescription(machine: unknown): MachineDescription {
  const bad = (what: string): SnapshotError => new SnapshotError(`snapshot header: machine ${what} is missing or malformed`);
  if (typeof machine !== "object" || machine === null) throw bad("description");
  const m = machine as Record<string, unknown>;
  const int = (key: string, min: number, max: number): number => {
    const v = m[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw bad(key);
    return v;
  };
  const oneOf = <T extends string>(key: string, choices: readonly T[]): T => {
    const v = m[key];
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) throw bad(key);
    return v as T;
  };
  const bool = (key: string): boolean => {
    if (typeof m[key] !== "boolean") throw bad(key);
    return m[key];
  };
  const hexString = (v: unknown, key: string): string => {
    if (typeof v !== "string" || !/^0x[0-9a-f]+$/.test(v)) throw bad(key);
    return v;
  };
  const rng = m.rng;
  if (!Array.isArray(rng) || !rng.every((r) => RNG_DEVICES.includes(r as RngDevice))) throw bad("rng");
  const seed = m.entropySeed;
  if (seed !== null && (typeof seed !== "string" || !/^[0-9]+$/.test(seed))) throw bad("entropySeed");
  let htif: MachineDescription["htif"] = null;
  if (m.htif !== null) {
    const h = m.htif as Record<string, unknown> | undefined;
    if (typeof h !== "object" || h === null) throw bad("htif");
    htif = { tohost: hexString(h.tohost, "htif"), fromhost: h.fromhost === null ? null : hexString(h.fromhost, "htif") };
  }
  const disks = m.disks;
  if (!Array.isArray(disks) || disks.length > 8) throw bad("disks");
  const devices = m.devices;
  if (!Array.isArray(devices) || devices.length > 64) throw bad("devices");
  return {
    memoryMiB: int("memoryMiB", 1, 3072),
    clock: oneOf("clock", ["deterministic", "realtime"] as const),
    guestKind: oneOf("guestKind", ["elf", "linux"] as const),
    sbi: bool("sbi"),
    htif,
    rng: rng as RngDevice[],
    virtioConsole: bool("virtioConsole"),
    unmapped: oneOf("unmapped", ["ignore", "log", "fault"] as const),
    entropySeed: seed,
    disks: disks.map((d: unknown, i) => {
      const o = d as Record<string, unknown> | null;
      const id = o?.identity as Record<string, unknown> | undefined;
      if (typeof o !== "object" || o === null || typeof o.sizeBytes !== "number" || typeof o.readOnly !== "boolean" ||
          typeof o.overlay !== "boolean" || typeof id !== "object" || id === null || typeof id.sha256 !== "string" ||
          typeof id.sizeBytes !== "number") {
        throw bad(`disk ${i}`);
      }
      return { sizeBytes: o.sizeBytes, readOnly: o.readOnly, overlay: o.overlay, identity: { sizeBytes: id.sizeBytes, sha256: id.sha256 } };
    }),
    devices: devices.map((d: unknown) => {
      const o = d as Record<string, unknown> | null;
      if (typeof o !== "object" || o === null || typeof o.name !== "string") throw bad("devices");
      return { name: o.name, base: hexString(o.base, "devices") };
    }),
  };
}

/**
 * The spec a restore builds from: the snapshot's machine, with the caller's options that do not
 * change it (disks, console size, profile, limits, log, hooks). An option that would change the
 * machine is refused unless it matches.
 */
export function specForRestore(spec: VmSpec, d: MachineDescription): VmSpec {
  for (const key of ["elf", "kernel", "initrd", "bios", "cmdline", "sstc"] as const) {
    if (spec[key] !== undefined) throw new SnapshotError(`${key} cannot be given with a snapshot to restore: the guest comes from the snapshot`);
  }
  const mismatch = (what: string, mine: unknown, theirs: unknown): SnapshotError =>
    new SnapshotError(`the snapshot is of a machine with ${what} ${String(theirs)}; ${String(mine)} was asked for`);
  if (spec.memoryMiB !== undefined && spec.memoryMiB !== d.memoryMiB) throw mismatch("memory (MiB)", spec.memoryMiB, d.memoryMiB);
  if (spec.clock !== undefined && spec.clock !== d.clock) throw mismatch("clock", spec.clock, d.clock);
  if (spec.rng !== undefined && [...spec.rng].sort().join(",") !== [...d.rng].sort().join(",")) {
    throw mismatch("RNG devices", spec.rng.join(",") || "none", d.rng.join(",") || "none");
  }
  const wantsConsole = spec.virtioConsole !== undefined && spec.virtioConsole !== false;
  if (spec.virtioConsole !== undefined && wantsConsole !== d.virtioConsole) throw mismatch("a virtio console:", wantsConsole, d.virtioConsole);
  if (spec.unmapped !== undefined && spec.unmapped !== d.unmapped) throw mismatch("unmapped policy", spec.unmapped, d.unmapped);
  if (spec.entropySeed !== undefined && d.entropySeed !== null && spec.entropySeed.toString() !== d.entropySeed) {
    throw mismatch("entropy seed", spec.entropySeed, d.entropySeed);
  }
  const disks = spec.disks ?? [];
  if (disks.length !== d.disks.length) throw new SnapshotError(`the snapshot has ${d.disks.length} disk(s); ${disks.length} given`);
  return {
    ...spec,
    memoryMiB: d.memoryMiB,
    clock: d.clock,
    rng: d.rng,
    virtioConsole: d.virtioConsole ? (typeof spec.virtioConsole === "object" ? spec.virtioConsole : true) : false,
    unmapped: d.unmapped,
    ...(d.entropySeed !== null ? { entropySeed: BigInt(d.entropySeed) } : {}),
  };
}
