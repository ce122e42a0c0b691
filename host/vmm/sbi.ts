// sbi.ts — the built-in SBI: answers S-mode ecalls (Sbi exits) as OpenSBI would, so Linux boots without firmware.
//
// Calling convention (SBI spec v2.0): a7 = extension ID, a6 = function ID, a0..a5 = arguments;
// returns a0 = error, a1 = value. The legacy v0.1 extensions (EID 0x00..0x08) return in a0 only.
// Implemented: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, legacy console/timer/shutdown.
// Anything else answers SBI_ERR_NOT_SUPPORTED, as the spec requires.
import type { Vcpu } from "../core/vcpu.js";
import type { ShutdownKind } from "./stop-reason.js";

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = -1n;
export const SBI_ERR_NOT_SUPPORTED = -2n;
export const SBI_ERR_INVALID_PARAM = -3n;
export const SBI_ERR_INVALID_ADDRESS = -5n;
export const SBI_ERR_ALREADY_AVAILABLE = -6n;

export const SBI_EXT_BASE = 0x10;
export const SBI_EXT_TIME = 0x54494d45;
export const SBI_EXT_IPI = 0x735049;
export const SBI_EXT_RFENCE = 0x52464e43;
export const SBI_EXT_HSM = 0x48534d;
export const SBI_EXT_SRST = 0x53525354;
export const SBI_EXT_DBCN = 0x4442434e;
const LEGACY_SET_TIMER = 0x00;
const LEGACY_CONSOLE_PUTCHAR = 0x01;
const LEGACY_CONSOLE_GETCHAR = 0x02;
const LEGACY_CLEAR_IPI = 0x03;
const LEGACY_SEND_IPI = 0x04;
const LEGACY_REMOTE_FENCE_I = 0x05;
const LEGACY_REMOTE_SFENCE_VMA = 0x06;
const LEGACY_REMOTE_SFENCE_VMA_ASID = 0x07;
const LEGACY_SHUTDOWN = 0x08;

/** Implementation ID reported by sbi_get_impl_id: outside the IDs the SBI spec assigns. */
export const WASMVISOR_SBI_IMPL_ID = 0x5741534dn; // "WASM"
const SPEC_VERSION_2_0 = (2n << 24n) | 0n;
const CSR_MIP = 0x344;
const MIP_SSIP = 1n << 1n;
const DBCN_MAX_BYTES = 1 << 20;

export interface SbiConsole {
  write(bytes: Uint8Array): void;
  /** Next input byte, or -1 when none is waiting. */
  readByte(): number;
}

export interface SbiEnvironment {
  console: SbiConsole;
  shutdown(kind: ShutdownKind, reason: number): void;
}

const A0 = 10;
const A1 = 11;
const A6 = 16;
const A7 = 17;

export class BuiltinSbi {
  /** Calls answered, by extension name (for the exit profile). */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly vcpu: Vcpu,
    private readonly env: SbiEnvironment,
  ) {}

  /** The name of an extension ID, for profiles ("TIME", "legacy-putchar", or hex). */
  static extensionName(eid: number): string {
    return EXTENSION_NAMES.get(eid) ?? `0x${eid.toString(16)}`;
  }

  /** Handle the pending Sbi exit: read a7/a6/a0.., write the results into a0 (and a1). */
  handle(): number {
    const v = this.vcpu;
    const eid = Number(BigInt.asUintN(32, v.getReg(A7)));
    const fid = Number(BigInt.asUintN(32, v.getReg(A6)));
    const name = BuiltinSbi.extensionName(eid);
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    if (eid <= LEGACY_SHUTDOWN) {
      v.setReg(A0, this.legacy(eid));
      return eid;
    }
    const [error, value] = this.call(eid, fid);
    v.setReg(A0, error);
    v.setReg(A1, value);
    return eid;
  }

  private arg(i: number): bigint {
    return this.vcpu.getReg(A0 + i);
  }

  private legacy(eid: number): bigint {
    switch (eid) {
      case LEGACY_SET_TIMER:
        this.setTimer(this.arg(0));
        return 0n;
      case LEGACY_CONSOLE_PUTCHAR:
        this.env.console.write(Uint8Array.of(Number(this.arg(0) & 0xffn)));
        return 0n;
      case LEGACY_CONSOLE_GETCHAR:
        return BigInt(this.env.console.readByte());
      case LEGACY_CLEAR_IPI:
        this.setSoftwareInterrupt(false);
        return 0n;
      case LEGACY_SEND_IPI:
        this.setSoftwareInterrupt(true); // one hart: any mask that names a hart names hart 0
        return 0n;
      case LEGACY_REMOTE_FENCE_I:
        return 0n;
      case LEGACY_REMOTE_SFENCE_VMA:
      case LEGACY_REMOTE_SFENCE_VMA_ASID:
        this.vcpu.flushTlb();
        return 0n;
      default: // LEGACY_SHUTDOWN
        this.env.shutdown("poweroff", 0);
        return 0n;
    }
  }

  private call(eid: number, fid: number): [bigint, bigint] {
    switch (eid) {
      case SBI_EXT_BASE:
        return this.base(fid);
      case SBI_EXT_TIME:
        if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
        this.setTimer(this.arg(0));
        return [SBI_SUCCESS, 0n];
      case SBI_EXT_IPI: {
        if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
        if (this.hartMaskIncludesZero(this.arg(0), this.arg(1))) this.setSoftwareInterrupt(true);
        return [SBI_SUCCESS, 0n];
      }
      case SBI_EXT_RFENCE:
        if (fid > 6) return [SBI_ERR_NOT_SUPPORTED, 0n];
        if (fid >= 1 && fid <= 2) this.vcpu.flushTlb(); // SFENCE.VMA (with or without ASID)
        if (fid >= 3) return [SBI_ERR_NOT_SUPPORTED, 0n]; // hypervisor fences: no H extension
        return [SBI_SUCCESS, 0n];
      case SBI_EXT_HSM:
        return this.hsm(fid);
      case SBI_EXT_SRST: {
        if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
        const type = Number(BigInt.asUintN(32, this.arg(0)));
        const reason = Number(BigInt.asUintN(32, this.arg(1)));
        if (type > 2) return [SBI_ERR_INVALID_PARAM, 0n];
        this.env.shutdown(type === 0 ? "poweroff" : "reboot", reason);
        return [SBI_SUCCESS, 0n];
      }
      case SBI_EXT_DBCN:
        return this.debugConsole(fid);
      default:
        return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }

  private base(fid: number): [bigint, bigint] {
    switch (fid) {
      case 0: return [SBI_SUCCESS, SPEC_VERSION_2_0];
      case 1: return [SBI_SUCCESS, WASMVISOR_SBI_IMPL_ID];
      case 2: return [SBI_SUCCESS, 1n];
      case 3: {
        const probed = Number(BigInt.asUintN(32, this.arg(0)));
        return [SBI_SUCCESS, EXTENSION_NAMES.has(probed) ? 1n : 0n];
      }
      case 4: case 5: case 6: return [SBI_SUCCESS, 0n]; // mvendorid, marchid, mimpid
      default: return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }

  private hsm(fid: number): [bigint, bigint] {
    const hart = this.arg(0);
    switch (fid) {
      case 0: // hart_start: hart 0 is the caller and already running; there are no others
        return [hart === 0n ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM, 0n];
      case 1: // hart_stop: stopping the only hart would leave nothing running
        return [SBI_ERR_FAILED, 0n];
      case 2: // hart_get_status: 0 = STARTED
        return hart === 0n ? [SBI_SUCCESS, 0n] : [SBI_ERR_INVALID_PARAM, 0n];
      default:
        return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }

  private debugConsole(fid: number): [bigint, bigint] {
    const guest = this.vcpu.guest;
    if (fid === 2) { // console_write_byte
      this.env.console.write(Uint8Array.of(Number(this.arg(0) & 0xffn)));
      return [SBI_SUCCESS, 0n];
    }
    if (fid !== 0 && fid !== 1) return [SBI_ERR_NOT_SUPPORTED, 0n];
    const count = Math.min(Number(BigInt.asUintN(32, this.arg(0))), DBCN_MAX_BYTES);
    const gpa = BigInt.asUintN(64, (this.arg(2) << 32n) | BigInt.asUintN(32, this.arg(1)));
    if (count === 0) return [SBI_SUCCESS, 0n];
    if (!guest.contains(gpa, count)) return [SBI_ERR_INVALID_PARAM, 0n];
    if (fid === 0) { // console_write
      this.env.console.write(guest.read(gpa, count));
      return [SBI_SUCCESS, BigInt(count)];
    }
    const view = guest.view(gpa, count); // console_read
    let n = 0;
    while (n < count) {
      const b = this.env.console.readByte();
      if (b < 0) break;
      view[n++] = b;
    }
    return [SBI_SUCCESS, BigInt(n)];
  }

  private setTimer(stimeValue: bigint): void {
    // The core's stimecmp drives STIP while the built-in SBI is active (see clint.ts).
    this.vcpu.setCsr(CSR_STIMECMP, stimeValue);
  }

  private setSoftwareInterrupt(on: boolean): void {
    const mip = this.vcpu.getCsr(CSR_MIP);
    this.vcpu.setCsr(CSR_MIP, on ? mip | MIP_SSIP : mip & ~MIP_SSIP);
  }

  private hartMaskIncludesZero(mask: bigint, base: bigint): boolean {
    if (base === -1n || BigInt.asUintN(64, base) === 0xffff_ffff_ffff_ffffn) return true; // all harts
    return base === 0n && (mask & 1n) === 1n;
  }
}

const CSR_STIMECMP = 0x14d;

const EXTENSION_NAMES = new Map<number, string>([
  [SBI_EXT_BASE, "BASE"],
  [SBI_EXT_TIME, "TIME"],
  [SBI_EXT_IPI, "IPI"],
  [SBI_EXT_RFENCE, "RFENCE"],
  [SBI_EXT_HSM, "HSM"],
  [SBI_EXT_SRST, "SRST"],
  [SBI_EXT_DBCN, "DBCN"],
  [LEGACY_SET_TIMER, "legacy-set-timer"],
  [LEGACY_CONSOLE_PUTCHAR, "legacy-putchar"],
  [LEGACY_CONSOLE_GETCHAR, "legacy-getchar"],
  [LEGACY_CLEAR_IPI, "legacy-clear-ipi"],
  [LEGACY_SEND_IPI, "legacy-send-ipi"],
  [LEGACY_REMOTE_FENCE_I, "legacy-remote-fence-i"],
  [LEGACY_REMOTE_SFENCE_VMA, "legacy-remote-sfence-vma"],
  [LEGACY_REMOTE_SFENCE_VMA_ASID, "legacy-remote-sfence-vma-asid"],
  [LEGACY_SHUTDOWN, "legacy-shutdown"],
]);
