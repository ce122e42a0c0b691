// machine-snapshot.ts — save a whole machine (core, devices, consoles, entropy, overlays, RAM) into a snapshot, and put it back into a fresh one.
//
// Sections: "core" (the core's state record, assembly/snapshot.ts), "devices" (each stateful
// device's state and the polled consoles', as JSON with byte arrays in base64), "ram" (deflated
// non-zero pages), "disk<i>" (an overlay's blocks, deflated). Taken with the run loop parked
// between exits, so no request is half served and no MMIO access half done.
import { OverlayDisk, OVERLAY_BLOCK_BYTES } from "../backends/overlay-disk.js";
import { SeededEntropy } from "../backends/seeded-entropy.js";
import { LOAD_BAD_VERSION, LOAD_OK, SNAPSHOT_BYTES } from "../core/abi.js";
import { DeviceStateError, type DeviceState, type StateValue, type StatefulDevice } from "../devices/device-state.js";
import type { Machine } from "../vmm/builder.js";
import { streamCodec, type SnapshotCodec } from "./codec.js";
import { diskIdentity } from "./disk-identity.js";
import { decodeSnapshot, encodeSnapshot, SnapshotError, type DecodedSnapshot } from "./format.js";
import type { MachineDescription } from "./machine-description.js";
import { loadRam, saveRam } from "./ram.js";

const WRITER = "wasmvisor 0.1";

/** What restoring a snapshot reports. */
export interface RestoreReport {
  ramPages: number;
  /** Disks whose contents differ from the snapshot's and were accepted anyway. */
  changedDisks: number[];
}

/** Devices whose state is saved, by bus name. */
function statefulDevices(machine: Machine): Map<string, StatefulDevice> {
  const found = new Map<string, StatefulDevice>();
  for (const { device } of machine.devices) {
    const d = device as Partial<StatefulDevice>;
    if (typeof d.saveState === "function" && typeof d.loadState === "function") found.set(device.name, d as StatefulDevice);
  }
  return found;
}

/** Capture a parked machine. */
export async function snapshotMachine(machine: Machine, codec: SnapshotCodec = streamCodec): Promise<Uint8Array> {
  const core = machine.vcpu.saveCoreState();
  const devices: { [name: string]: StateValue } = {};
  for (const [name, device] of statefulDevices(machine)) devices[name] = device.saveState();
  const consoles: DeviceState = { polled: machine.polledInput.held() };
  const pending = machine.htif?.pendingReadCommand;
  if (pending !== undefined) consoles.htifRead = pending.toString();
  if (machine.entropy instanceof SeededEntropy) consoles.entropy = { ...machine.entropy.state() };
  devices["#consoles"] = consoles;

  const sections = new Map<string, Uint8Array>([["core", core], ["devices", encodeState(devices)]]);
  const description: MachineDescription = { ...machine.description, disks: [] };
  for (const [i, disk] of machine.disks.entries()) {
    if (disk instanceof OverlayDisk) sections.set(`disk${i}`, await deflateBlocks(disk, codec));
    else disk.flush(); // the identity recorded must be of what is in the file
    description.disks.push({ sizeBytes: disk.sizeBytes, readOnly: disk.readOnly, overlay: disk instanceof OverlayDisk, identity: await diskIdentity(disk) });
  }
  sections.set("ram", (await saveRam(machine.vcpu.guest, (p) => machine.vcpu.nextUsedPage(p), codec)).bytes);
  return encodeSnapshot({ writer: WRITER, createdAt: new Date().toISOString(), machine: description }, sections);
}

/**
 * Put a snapshot into a machine just built from its description (RAM zero, devices at power-on).
 * Throws SnapshotError for anything malformed; the machine must then be thrown away.
 */
export async function restoreMachine(
  machine: Machine, snap: DecodedSnapshot, options: { acceptChangedDisks?: boolean; codec?: SnapshotCodec } = {},
): Promise<RestoreReport> {
  const codec = options.codec ?? streamCodec;
  const section = (name: string): Uint8Array => {
    const s = snap.sections.get(name);
    if (s === undefined) throw new SnapshotError(`snapshot has no ${name} section`);
    return s;
  };
  const described = (snap.header.machine as MachineDescription).disks;
  const changedDisks: number[] = [];
  for (const [i, disk] of machine.disks.entries()) {
    const want = described[i]!;
    if (disk.sizeBytes !== want.sizeBytes) throw new SnapshotError(`disk ${i} is ${disk.sizeBytes} bytes; the snapshot's was ${want.sizeBytes}`);
    if ((disk instanceof OverlayDisk) !== want.overlay) {
      throw new SnapshotError(`disk ${i} ${want.overlay ? "was" : "was not"} an overlay when the snapshot was taken`);
    }
    const have = await diskIdentity(disk);
    if (have.sha256 !== want.identity.sha256) {
      if (options.acceptChangedDisks !== true) {
        throw new SnapshotError(`disk ${i} has changed since the snapshot was taken (its contents differ); ` +
          "restoring would show the guest a disk it did not write (accept it with acceptChangedDisks / --restore-changed-disks)");
      }
      changedDisks.push(i);
    }
    if (disk instanceof OverlayDisk) await inflateBlocks(disk, section(`disk${i}`), codec);
  }

  const ramPages = await loadRam(machine.vcpu.guest, section("ram"), codec);
  const core = section("core");
  if (core.length > SNAPSHOT_BYTES) throw new SnapshotError("snapshot core section is larger than any core state record");
  const loaded = machine.vcpu.loadCoreState(core);
  if (loaded === LOAD_BAD_VERSION) throw new SnapshotError("snapshot core state is of another core version");
  if (loaded !== LOAD_OK) throw new SnapshotError("snapshot core state is truncated or malformed");
  const devices = decodeState(section("devices"));
  try {
    for (const [name, device] of statefulDevices(machine)) {
      const state = devices[name];
      if (!isRecord(state)) throw new SnapshotError(`snapshot has no state for device ${name}`);
      device.loadState(state);
    }
    const consoles = devices["#consoles"];
    if (!isRecord(consoles) || !(consoles.polled instanceof Uint8Array)) throw new SnapshotError("snapshot has no console state");
    machine.polledInput.hold(consoles.polled);
    if (machine.htif !== undefined && typeof consoles.htifRead === "string" && /^[0-9]+$/.test(consoles.htifRead)) {
      machine.htif.pendingReadCommand = BigInt(consoles.htifRead);
    }
    if (machine.entropy instanceof SeededEntropy) {
      const e = consoles.entropy;
      if (!isRecord(e) || typeof e.seed !== "string" || typeof e.counter !== "number" || typeof e.offset !== "number") {
        throw new SnapshotError("snapshot has no state for its seeded entropy");
      }
      machine.entropy.restore({ seed: e.seed, counter: e.counter, offset: e.offset });
    }
  } catch (err) {
    if (err instanceof DeviceStateError || err instanceof RangeError) throw new SnapshotError(`snapshot device state is malformed: ${err.message}`);
    throw err;
  }
  return { ramPages, changedDisks };
}

/** Check a snapshot's container (magic, version, checksums) without restoring it. */
export function readSnapshot(bytes: Uint8Array): DecodedSnapshot {
  return decodeSnapshot(bytes);
}

// ---- overlays ----

async function deflateBlocks(disk: OverlayDisk, codec: SnapshotCodec): Promise<Uint8Array> {
  const entries = disk.entries();
  const plain = new Uint8Array(4 + entries.length * (4 + OVERLAY_BLOCK_BYTES));
  const dv = new DataView(plain.buffer);
  dv.setUint32(0, entries.length, true);
  entries.forEach(([index, block], i) => {
    const at = 4 + i * (4 + OVERLAY_BLOCK_BYTES);
    dv.setUint32(at, index, true);
    plain.set(block, at + 4);
  });
  return codec.deflate(plain);
}

async function inflateBlocks(disk: OverlayDisk, section: Uint8Array, codec: SnapshotCodec): Promise<void> {
  let plain: Uint8Array;
  try {
    plain = await codec.inflate(section);
  } catch {
    throw new SnapshotError("snapshot overlay section is corrupted (it does not inflate)");
  }
  const dv = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const count = plain.length >= 4 ? dv.getUint32(0, true) : -1;
  if (count < 0 || plain.length !== 4 + count * (4 + OVERLAY_BLOCK_BYTES)) throw new SnapshotError("snapshot overlay section is malformed");
  const entries: Array<[number, Uint8Array]> = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * (4 + OVERLAY_BLOCK_BYTES);
    entries.push([dv.getUint32(at, true), plain.subarray(at + 4, at + 4 + OVERLAY_BLOCK_BYTES)]);
  }
  try {
    disk.load(entries);
  } catch (err) {
    throw new SnapshotError(`snapshot overlay section is malformed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---- device states as JSON ----

/** JSON, with byte arrays as {"$b": base64}. */
export function encodeState(state: { [name: string]: StateValue }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $b: toBase64(value) } : value));
}

export function decodeState(bytes: Uint8Array): { [name: string]: StateValue } {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes), (_key, value: unknown) => {
      if (isRecord(value) && Object.keys(value).length === 1 && typeof value.$b === "string") return fromBase64(value.$b);
      return value;
    });
    if (!isRecord(parsed)) throw new Error("not an object");
    return parsed;
  } catch {
    throw new SnapshotError("snapshot devices section is not valid state JSON");
  }
}

function isRecord(v: unknown): v is { [key: string]: StateValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

