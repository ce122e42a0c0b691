// format.ts — the snapshot container: a header naming the machine, then checksummed sections; every malformation is a SnapshotError.
//
//   offset  size  field
//   0       8     magic "WVSNAP\r\n" (the CR LF catches a file mangled as text)
//   8       4     format version (u32 LE), SNAPSHOT_FORMAT_VERSION
//   12      4     header length H (u32 LE)
//   16      4     CRC-32 of the header
//   20      H     header: UTF-8 JSON (SnapshotHeader), which lists each section's name, offset,
//                 length and CRC-32; offsets count from the end of the header
//   20+H    ...   the sections, back to back
//
// A reader checks everything before it hands out a byte: magic, version, lengths against the
// file, the header checksum and JSON shape, every section's bounds and checksum. The RAM
// section is zlib data whose own Adler-32 is checked while it is inflated.
import { BootError } from "../boot/errors.js";
import { crc32 } from "./crc32.js";

export const SNAPSHOT_MAGIC = "WVSNAP\r\n";
export const SNAPSHOT_FORMAT_VERSION = 1;
const PREFIX_BYTES = 20;
/** A header far larger than any machine's description is not a snapshot of ours. */
const MAX_HEADER_BYTES = 1 << 20;

/** A snapshot file that cannot be used: truncated, corrupted, of another version or machine. */
export class SnapshotError extends BootError {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

export interface SectionEntry {
  name: string;
  offset: number;
  length: number;
  crc32: number;
}

/** What the header says; `machine` and `state` are the snapshot module's, opaque here. */
export interface SnapshotHeader {
  /** Which wasmvisor wrote it (informative). */
  writer: string;
  createdAt: string;
  machine: unknown;
  sections: SectionEntry[];
}

export function encodeSnapshot(meta: Omit<SnapshotHeader, "sections">, sections: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries: SectionEntry[] = [];
  let offset = 0;
  for (const [name, bytes] of sections) {
    entries.push({ name, offset, length: bytes.length, crc32: crc32(bytes) });
    offset += bytes.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ ...meta, sections: entries }));
  const out = new Uint8Array(PREFIX_BYTES + header.length + offset);
  out.set(new TextEncoder().encode(SNAPSHOT_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, SNAPSHOT_FORMAT_VERSION, true);
  dv.setUint32(12, header.length, true);
  dv.setUint32(16, crc32(header), true);
  out.set(header, PREFIX_BYTES);
  let at = PREFIX_BYTES + header.length;
  for (const bytes of sections.values()) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

export interface DecodedSnapshot {
  header: SnapshotHeader;
  sections: Map<string, Uint8Array>;
}

/** Check and split a snapshot file; throws SnapshotError naming the first problem. */
export function decodeSnapshot(file: Uint8Array): DecodedSnapshot {
  if (file.length < PREFIX_BYTES) throw new SnapshotError(`not a wasmvisor snapshot: ${file.length} bytes is too short`);
  if (new TextDecoder().decode(file.subarray(0, 8)) !== SNAPSHOT_MAGIC) throw new SnapshotError("not a wasmvisor snapshot (bad magic)");
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(`snapshot format version ${version} is not supported (this wasmvisor reads version ${SNAPSHOT_FORMAT_VERSION})`);
  }
  const headerLength = dv.getUint32(12, true);
  if (headerLength > MAX_HEADER_BYTES || PREFIX_BYTES + headerLength > file.length) {
    throw new SnapshotError("snapshot is truncated (its header runs past the end of the file)");
  }
  const headerBytes = file.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength);
  if (crc32(headerBytes) !== dv.getUint32(16, true)) throw new SnapshotError("snapshot header is corrupted (checksum mismatch)");
  let header: SnapshotHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes)) as SnapshotHeader;
  } catch {
    throw new SnapshotError("snapshot header is not valid JSON");
  }
  if (typeof header !== "object" || header === null || !Array.isArray(header.sections)) {
    throw new SnapshotError("snapshot header lacks its section table");
  }
  const body = file.subarray(PREFIX_BYTES + headerLength);
  const sections = new Map<string, Uint8Array>();
  for (const s of header.sections as unknown[]) {
    if (!isEntry(s)) throw new SnapshotError("snapshot section table is malformed");
    if (s.offset + s.length > body.length) throw new SnapshotError(`snapshot is truncated (section ${s.name} runs past the end of the file)`);
    const bytes = body.subarray(s.offset, s.offset + s.length);
    if (crc32(bytes) !== s.crc32) throw new SnapshotError(`snapshot section ${s.name} is corrupted (checksum mismatch)`);
    if (sections.has(s.name)) throw new SnapshotError(`snapshot section ${s.name} appears twice`);
    sections.set(s.name, bytes);
  }
  return { header, sections };
}

function isEntry(s: unknown): s is SectionEntry {
  if (typeof s !== "object" || s === null) return false;
  const e = s as Record<string, unknown>;
  return typeof e.name === "string" && [e.offset, e.length, e.crc32].every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
}
