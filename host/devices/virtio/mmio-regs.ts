// mmio-regs.ts — virtio-mmio version 2 register offsets and values (virtio 1.2, 4.2.2), with names for the profiler.

export const VIRTIO_MMIO_MAGIC_VALUE = 0x000;
export const VIRTIO_MMIO_VERSION = 0x004;
export const VIRTIO_MMIO_DEVICE_ID = 0x008;
export const VIRTIO_MMIO_VENDOR_ID = 0x00c;
export const VIRTIO_MMIO_DEVICE_FEATURES = 0x010;
export const VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014;
export const VIRTIO_MMIO_DRIVER_FEATURES = 0x020;
export const VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024;
export const VIRTIO_MMIO_QUEUE_SEL = 0x030;
export const VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034;
export const VIRTIO_MMIO_QUEUE_NUM = 0x038;
export const VIRTIO_MMIO_QUEUE_READY = 0x044;
export const VIRTIO_MMIO_QUEUE_NOTIFY = 0x050;
export const VIRTIO_MMIO_INTERRUPT_STATUS = 0x060;
export const VIRTIO_MMIO_INTERRUPT_ACK = 0x064;
export const VIRTIO_MMIO_STATUS = 0x070;
export const VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080;
export const VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084;
export const VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090;
export const VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094;
export const VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0;
export const VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4;
export const VIRTIO_MMIO_SHM_SEL = 0x0ac;
export const VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0;
export const VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4;
export const VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8;
export const VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc;
export const VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc;
export const VIRTIO_MMIO_CONFIG = 0x100;

/** "virt", little-endian. */
export const VIRTIO_MMIO_MAGIC = 0x74726976;
/** The modern (non-legacy) transport; legacy devices report 1. */
export const VIRTIO_MMIO_VERSION_2 = 2;
/**
 * Our VendorID: the bytes "WVSR" (wasmvisor) as the driver reads them, little-endian. The
 * spec assigns no vendor registry for MMIO; Linux only shows it in sysfs. QEMU uses "QEMU"
 * (0x554d4551), crosvm "CRVM"; ours must not pretend to be either.
 */
export const WASMVISOR_VENDOR_ID = 0x52535657;

// InterruptStatus / InterruptACK bits.
export const VIRTIO_MMIO_INT_VRING = 1;
export const VIRTIO_MMIO_INT_CONFIG = 2;

/** Bytes the transport answers to: registers, then config space up to 0x200 (as QEMU's virt). */
export const VIRTIO_MMIO_WINDOW_BYTES = 0x200;

const NAMES = new Map<number, string>([
  [VIRTIO_MMIO_MAGIC_VALUE, "MagicValue"],
  [VIRTIO_MMIO_VERSION, "Version"],
  [VIRTIO_MMIO_DEVICE_ID, "DeviceID"],
  [VIRTIO_MMIO_VENDOR_ID, "VendorID"],
  [VIRTIO_MMIO_DEVICE_FEATURES, "DeviceFeatures"],
  [VIRTIO_MMIO_DEVICE_FEATURES_SEL, "DeviceFeaturesSel"],
  [VIRTIO_MMIO_DRIVER_FEATURES, "DriverFeatures"],
  [VIRTIO_MMIO_DRIVER_FEATURES_SEL, "DriverFeaturesSel"],
  [VIRTIO_MMIO_QUEUE_SEL, "QueueSel"],
  [VIRTIO_MMIO_QUEUE_NUM_MAX, "QueueNumMax"],
  [VIRTIO_MMIO_QUEUE_NUM, "QueueNum"],
  [VIRTIO_MMIO_QUEUE_READY, "QueueReady"],
  [VIRTIO_MMIO_QUEUE_NOTIFY, "QueueNotify"],
  [VIRTIO_MMIO_INTERRUPT_STATUS, "InterruptStatus"],
  [VIRTIO_MMIO_INTERRUPT_ACK, "InterruptACK"],
  [VIRTIO_MMIO_STATUS, "Status"],
  [VIRTIO_MMIO_QUEUE_DESC_LOW, "QueueDescLow"],
  [VIRTIO_MMIO_QUEUE_DESC_HIGH, "QueueDescHigh"],
  [VIRTIO_MMIO_QUEUE_DRIVER_LOW, "QueueDriverLow"],
  [VIRTIO_MMIO_QUEUE_DRIVER_HIGH, "QueueDriverHigh"],
  [VIRTIO_MMIO_QUEUE_DEVICE_LOW, "QueueDeviceLow"],
  [VIRTIO_MMIO_QUEUE_DEVICE_HIGH, "QueueDeviceHigh"],
  [VIRTIO_MMIO_SHM_SEL, "SHMSel"],
  [VIRTIO_MMIO_SHM_LEN_LOW, "SHMLenLow"],
  [VIRTIO_MMIO_SHM_LEN_HIGH, "SHMLenHigh"],
  [VIRTIO_MMIO_SHM_BASE_LOW, "SHMBaseLow"],
  [VIRTIO_MMIO_SHM_BASE_HIGH, "SHMBaseHigh"],
  [VIRTIO_MMIO_CONFIG_GENERATION, "ConfigGeneration"],
]);

/** The register at `offset` ("QueueNotify"), "Config" for config space, undefined for holes. */
export function virtioMmioRegisterName(offset: number): string | undefined {
  return offset >= VIRTIO_MMIO_CONFIG ? "Config" : NAMES.get(offset);
}
