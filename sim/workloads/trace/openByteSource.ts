// The bytes of a trace file, a chunk at a time and synchronously, decompressed on the way by the file's
// extension (.gz, .zst / .zstd, .xz). Memory stays at a chunk or two whatever the file's length: nothing
// holds the whole file. Synchronous because a workload schedules its next request from inside the
// current one, and a simulation's event order must not depend on when a disk read completes.
import { closeSync, readSync } from "node:fs";
import type * as Fflate from "fflate";
import type * as Fzstd from "fzstd";
import { onFirstUse } from "../../core/onFirstUse.ts";
import type { ByteSource } from "./byteSource.ts";
import { openTraceFile } from "./openTraceFile.ts";
import { traceError } from "./traceError.ts";
import { XzSource } from "./xzSource.ts";

const fflate = onFirstUse<typeof Fflate>("fflate");
const fzstd = onFirstUse<typeof Fzstd>("fzstd");

/** Bytes read from disk at a time. */
const CHUNK_BYTES = 1 << 20;

export type Compression = "none" | "gzip" | "zstd" | "xz";

export function compressionOf(file: string): Compression {
  if (/\.gz$/i.test(file)) return "gzip";
  if (/\.zst(d)?$/i.test(file)) return "zstd";
  if (/\.xz$/i.test(file)) return "xz";
  return "none";
}

/** The file name without its compression suffix, for telling the format by extension. */
export function withoutCompression(file: string): string {
  return file.replace(/\.(gz|zstd?|xz)$/i, "");
}

class FileChunks {
  private readonly fd: number;
  private readonly buffer = new Uint8Array(CHUNK_BYTES);
  private open = true;

  constructor(readonly file: string) {
    this.fd = openTraceFile(file);
  }

  /** A view of the next chunk read from disk (valid until the next call); null at the end. */
  read(): Uint8Array | null {
    if (!this.open) return null;
    let n: number;
    try {
      n = readSync(this.fd, this.buffer, 0, CHUNK_BYTES, null);
    } catch (error) {
      throw traceError(
        this.file,
        "",
        `cannot read the trace: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (n === 0) {
      this.close();
      return null;
    }
    return this.buffer.subarray(0, n);
  }

  close(): void {
    if (this.open) {
      this.open = false;
      closeSync(this.fd);
    }
  }
}

/** A push-style streaming decompressor (fflate, fzstd) turned into a pull-style source. */
class Decompressed implements ByteSource {
  private readonly out: Uint8Array[] = [];
  private ended = false;
  /** Whether the decompressor said the compressed stream ended properly. */
  private complete = false;
  /** Decompressed bytes so far, and the last 8 compressed bytes (a gzip member's CRC and size). */
  outBytes = 0;
  readonly tail = new Uint8Array(8);
  tailBytes = 0;
  private readonly push: (chunk: Uint8Array, final: boolean) => void;

  constructor(
    private readonly chunks: FileChunks,
    private readonly what: string,
    make: (ondata: (data: Uint8Array, final?: boolean) => void) => {
      push(chunk: Uint8Array, final?: boolean): void;
    },
    private readonly verify?: (d: Decompressed) => boolean,
  ) {
    const stream = make((data, final) => {
      if (data.length > 0) {
        this.out.push(data);
        this.outBytes += data.length;
      }
      if (final) this.complete = true;
    });
    this.push = (chunk, final) => {
      try {
        stream.push(chunk, final);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw traceError(chunks.file, "", `cannot decompress the trace (${what}): ${reason}`);
      }
    };
  }

  private keepTail(chunk: Uint8Array): void {
    if (chunk.length >= 8) {
      this.tail.set(chunk.subarray(chunk.length - 8));
      this.tailBytes = 8;
      return;
    }
    const keep = Math.min(8 - chunk.length, this.tailBytes);
    this.tail.copyWithin(0, this.tailBytes - keep, this.tailBytes);
    this.tail.set(chunk, keep);
    this.tailBytes = keep + chunk.length;
  }

  read(): Uint8Array | null {
    while (this.out.length === 0) {
      if (this.ended) return null;
      const chunk = this.chunks.read();
      if (chunk === null) {
        this.ended = true;
        this.push(new Uint8Array(0), true);
        if (!this.complete || (this.verify !== undefined && !this.verify(this))) {
          throw traceError(
            this.chunks.file,
            "",
            `cannot decompress the trace (${this.what}): it ends before the compressed stream does`,
          );
        }
      } else {
        this.keepTail(chunk);
        // The decompressor may keep a reference to its input: give it a copy of the reused buffer.
        this.push(chunk.slice(), false);
      }
    }
    return this.out.shift() as Uint8Array;
  }

  close(): void {
    this.chunks.close();
  }
}

export function openByteSource(file: string): ByteSource {
  const compression = compressionOf(file);
  if (compression === "xz") return new XzSource(file);
  const chunks = new FileChunks(file);
  if (compression === "gzip") {
    // fflate accepts a gzip stream cut short at some points; the trailer's size field (ISIZE, the
    // member's length mod 2^32) catches that for the usual single-member file.
    let members = 1;
    return new Decompressed(
      chunks,
      "gzip",
      (ondata) => {
        const gunzip = new (fflate().Gunzip)(ondata);
        gunzip.onmember = () => {
          members++;
        };
        return gunzip;
      },
      (d) =>
        members > 1 ||
        (d.tailBytes === 8 && new DataView(d.tail.buffer).getUint32(4, true) === d.outBytes % 2 ** 32),
    );
  }
  if (compression === "zstd")
    return new Decompressed(chunks, "zstd", (ondata) => new (fzstd().Decompress)(ondata));
  return chunks;
}
