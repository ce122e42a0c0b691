// console-control.ts — virtio-console control messages (virtio 1.2, 5.3.6.2): the multiport handshake that tells the device when a port is open.
//
// Under VIRTIO_CONSOLE_F_MULTIPORT the driver and device talk over two control queues: the
// driver announces itself (DEVICE_READY), the device adds ports (DEVICE_ADD), the driver says a
// port is set up (PORT_READY), the device marks it a console (CONSOLE_PORT), and the driver
// says it is connected (PORT_OPEN). That last message is what lets the device hold input until
// the guest can take it: Linux discards data that reaches a port before it is connected.
//
//   struct virtio_console_control { le32 id; le16 event; le16 value; }   (8 bytes)
//   RESIZE is followed by struct virtio_console_resize { le16 cols; le16 rows; }.

export const VIRTIO_CONSOLE_DEVICE_READY = 0;
export const VIRTIO_CONSOLE_DEVICE_ADD = 1;
export const VIRTIO_CONSOLE_DEVICE_REMOVE = 2;
export const VIRTIO_CONSOLE_PORT_READY = 3;
export const VIRTIO_CONSOLE_CONSOLE_PORT = 4;
export const VIRTIO_CONSOLE_RESIZE = 5;
export const VIRTIO_CONSOLE_PORT_OPEN = 6;
export const VIRTIO_CONSOLE_PORT_NAME = 7;

export const CONTROL_BYTES = 8;
const RESIZE_BYTES = 4;

export interface ControlMessage {
  id: number;
  event: number;
  value: number;
}

/** Encode a message (with the size that follows a RESIZE). */
export function encodeControl(msg: ControlMessage, size?: { cols: number; rows: number }): Uint8Array {
  const out = new Uint8Array(CONTROL_BYTES + (size !== undefined ? RESIZE_BYTES : 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, msg.id >>> 0, true);
  dv.setUint16(4, msg.event, true);
  dv.setUint16(6, msg.value, true);
  if (size !== undefined) {
    dv.setUint16(8, size.cols, true);
    dv.setUint16(10, size.rows, true);
  }
  return out;
}

/** Decode a message the driver sent; undefined when it is too short to be one. */
export function decodeControl(bytes: Uint8Array): ControlMessage | undefined {
  if (bytes.length < CONTROL_BYTES) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { id: dv.getUint32(0, true), event: dv.getUint16(4, true), value: dv.getUint16(6, true) };
}
