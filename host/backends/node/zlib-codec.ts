// zlib-codec.ts — Node backend: snapshot sections through node:zlib, level 1 (restoring fast matters more than the last megabyte).
import { deflateSync, inflateSync } from "node:zlib";
import type { SnapshotCodec } from "../../snapshot/codec.js";

export const zlibCodec: SnapshotCodec = {
  deflate: (plain) => Promise.resolve(new Uint8Array(deflateSync(plain, { level: 1 }))),
  inflate: (packed) => Promise.resolve(new Uint8Array(inflateSync(packed))),
};
