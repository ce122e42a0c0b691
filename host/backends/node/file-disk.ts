// file-disk.ts — Node backend: a DiskBackend on a raw image file, positioned synchronous I/O, flush = fsync.
//
// Synchronous on purpose: the device completes a request inside the exit that submitted it, and
// an acknowledged write must already be in the file. pread/pwrite may transfer less than asked
// (signals, huge requests), so both loop until done.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { checkRange, DISK_SECTOR_BYTES, type DiskBackend } from "../disk.js";

export interface FileDiskOptions {
  /** Open the image read-only; the guest sees a read-only disk. Default false. */
  readOnly?: boolean;
}

export class FileDisk implements DiskBackend {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    readonly sizeBytes: number,
    readonly readOnly: boolean,
  ) {
    this.fd = fd;
  }

  /** Open an existing image. Throws one-line errors naming the file (missing, no permission, bad size). */
  static open(path: string, options: FileDiskOptions = {}): FileDisk {
    const readOnly = options.readOnly ?? false;
    let fd: number;
    try {
      fd = openSync(path, readOnly ? "r" : "r+");
    } catch (err) {
      throw new Error(openError(path, readOnly, err));
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error(`disk image ${path} is not a regular file`);
      if (st.size % DISK_SECTOR_BYTES !== 0) {
        throw new Error(`disk image ${path} is ${st.size} bytes, not a multiple of ${DISK_SECTOR_BYTES}`);
      }
      return new FileDisk(path, fd, st.size, readOnly);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  read(offset: number, dest: Uint8Array): void {
    const fd = this.open();
    checkRange(offset, dest.length, this.sizeBytes);
    for (let done = 0; done < dest.length; ) {
      const n = readSync(fd, dest, done, dest.length - done, offset + done);
      // The size was checked at open; a zero read means the file shrank under us.
      if (n === 0) throw new Error(`disk image ${this.path}: unexpected end of file at byte ${offset + done}`);
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    const fd = this.open();
    if (this.readOnly) throw new Error(`disk image ${this.path} is open read-only`);
    checkRange(offset, src.length, this.sizeBytes);
    for (let done = 0; done < src.length; ) {
      done += writeSync(fd, src, done, src.length - done, offset + done);
    }
  }

  flush(): void {
    const fd = this.open();
    // Nothing was written through a read-only descriptor: nothing to make durable.
    if (!this.readOnly) fsyncSync(fd);
  }

  /** Close the file; safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`disk image ${this.path} is closed`);
    return this.fd;
  }
}

function openError(path: string, readOnly: boolean, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT": return `disk image ${path} does not exist`;
    case "EISDIR": return `disk image ${path} is a directory`;
    case "EACCES": case "EPERM":
      return `permission denied opening disk image ${path}${readOnly ? "" : " for writing (open it read-only?)"}`;
    case "EROFS": return `disk image ${path} is on a read-only file system (open it read-only)`;
    default: return `cannot open disk image ${path}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
