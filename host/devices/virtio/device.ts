// device.ts — VirtioDevice: what a virtio device implements, independent of the transport that carries it.
//
// As crosvm's VirtioDevice trait: the device knows its type, queues, features and config
// space; the transport (mmio.ts) owns registers, the status state machine, feature
// negotiation and interrupts. A device never sees a register offset.
//
// The device status field (virtio 1.2, 2.1 and 3.1.1). The driver ORs in one bit per step;
// writing 0 resets from any state; the driver may never clear a bit any other way.
//
//   RESET ──► ACKNOWLEDGE ──► DRIVER ──► FEATURES_OK ──────► DRIVER_OK
//    (0)        (+1)          (+2)        (+8)                (+4)
//     ▲                         │          │ queues are        │ device.activate():
//     │                         │          │ configured here   │ QueueNotify now serves
//     │                         │          │ (QueueReady = 1)  │ buffers, interrupts flow
//     │                         ▼
//     │               features not a valid subset of the offer (or no VERSION_1):
//     │               FEATURES_OK is refused and reads back clear; the driver gives up
//     │
//     ├── FAILED (+128): the driver gave up, at any step. The device stops serving.
//     ├── DEVICE_NEEDS_RESET (+64): set by the device (malformed queue, device error); the
//     │   broken queue is no longer used, and once DRIVER_OK is set a configuration-change
//     │   interrupt tells the driver.
//     └── write 0 (from any state): device.reset(), queues forgotten, InterruptStatus cleared.
import type { DeviceState } from "../device-state.js";
import type { GuestMemory } from "../../core/guest-memory.js";
import type { VirtQueue } from "./queue.js";

// Device status bits (virtio 1.2, 2.1).
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 0x40;
export const STATUS_FAILED = 0x80;

// Reserved feature bits (virtio 1.2, 6) the transport offers for every device.
export const VIRTIO_F_RING_INDIRECT_DESC = 28n;
export const VIRTIO_F_RING_EVENT_IDX = 29n;
export const VIRTIO_F_VERSION_1 = 32n;

/** A feature bit number as its mask in a feature word. */
export function featureBit(n: bigint): bigint {
  return 1n << n;
}

// Device IDs (virtio 1.2, 5).
export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_ID_CONSOLE = 3;
export const VIRTIO_ID_ENTROPY = 4;

/** What a device gets when the driver sets DRIVER_OK: everything it needs to serve its queues. */
export interface VirtioActivation {
  readonly memory: GuestMemory;
  /** Live queues by queue index; undefined for a queue the driver did not enable. */
  readonly queues: readonly (VirtQueue | undefined)[];
  /** The features the driver accepted (device-specific and transport bits). */
  readonly features: bigint;
  /**
   * A used buffer notification for `queueIndex`: the transport sets InterruptStatus bit 0
   * and raises the IRQ. Call it once per batch, when `shouldInterrupt()` says so.
   * A no-op after the device was reset, so a late caller cannot interrupt a new driver.
   */
  notify(queueIndex: number): void;
  /** The device-specific config space changed: ConfigGeneration moves, config interrupt. */
  configChanged(): void;
  /** An error the device cannot recover from without a reset: sets DEVICE_NEEDS_RESET. */
  needsReset(reason: string): void;
}

export interface VirtioDevice {
  /** Short label for logs and the bus ("rng", "blk"). */
  readonly name: string;
  /** Virtio device ID (VIRTIO_ID_*); 0 means "no device" to the driver. */
  readonly deviceType: number;
  /** One entry per queue: its maximum size (a power of two, at most 32768). */
  readonly queueMaxSizes: readonly number[];
  /** Device-specific feature bits offered; the transport adds VERSION_1, EVENT_IDX, INDIRECT_DESC. */
  readonly features: bigint;
  /** Read device-specific config space at `offset` (1, 2, 4 or 8 bytes); false: no field there. */
  readConfig(offset: number, data: Uint8Array): boolean;
  /** Write device-specific config space; false: no writable field there. */
  writeConfig(offset: number, data: Uint8Array): boolean;
  /** The driver set DRIVER_OK: start serving. Called once per initialisation. */
  activate(ctx: VirtioActivation): void;
  /**
   * The driver wrote QueueNotify for a live queue: process it now, inside the exit.
   * Re-arm with `setNotify(true)` after draining: under EVENT_IDX the driver only notifies
   * again once its avail index passes the avail_event the device last published.
   */
  queueNotify(queueIndex: number): void;
  /** Back to the pre-activation state, dropping every queue. Safe to call at any time. */
  reset(): void;
  /**
   * Snapshots: state of the device's own beyond its queues and features (a device whose
   * activate() rebuilds everything it needs has none). loadState runs after the transport has
   * reactivated the device, when the snapshot was taken with the device active.
   */
  saveState?(): DeviceState;
  loadState?(state: DeviceState): void;
}
