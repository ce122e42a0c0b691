// codec.ts — SnapshotCodec: how snapshot sections are deflated (zlib format), with the platform's CompressionStream by default.
//
// Node passes its node:zlib (the same format, several times faster, and at a level of our
// choosing: backends/node/zlib-codec.ts); browsers use CompressionStream. Either reads what the
// other wrote.

export interface SnapshotCodec {
  deflate(plain: Uint8Array): Promise<Uint8Array>;
  /** Throws for data that is not a valid zlib stream (its Adler-32 included). */
  inflate(packed: Uint8Array): Promise<Uint8Array>;
}

export const streamCodec: SnapshotCodec = {
  deflate: (plain) => pipe(plain, new CompressionStream("deflate")),
  inflate: (packed) => pipe(packed, new DecompressionStream("deflate")),
};

async function pipe(bytes: Uint8Array, codec: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(codec);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
