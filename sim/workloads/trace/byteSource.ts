// What every trace reader reads bytes from: a file, decompressed or not. Apart from the opener
// (openByteSource.ts) so the xz decompressor, which the opener creates, can name it without a circle.

/** A stream of bytes read in chunks. */
export interface ByteSource {
  /** The next chunk of (decompressed) bytes; null at the end. Chunks may be any size, even empty. */
  read(): Uint8Array | null;
  close(): void;
}
