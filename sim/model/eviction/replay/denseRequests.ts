// A request stream held in memory as typed arrays: each request's key as a dense number (0, 1, 2, … in
// order of first appearance) and its size. Read once, it serves every (policy, size) point of a
// miss-ratio curve, and the replays that know LRU and FIFO index their tables by the number instead of
// hashing a key string per request. The arrays live in shared memory, so worker threads read the very
// same stream without a copy.
//
// Memory is what costs here (a fresh page is slower to touch than the loops that use it), so the
// buffers grow in place (growable shared buffers: no copy when they double), and sizes are kept per key
// while every request for a key carries the size of its first request (the usual trace); the
// per-request sizes are written only from the first request that differs.
import type { Request } from "../replay.ts";

/** Most requests held in memory this way (4 to 12 bytes each); a longer stream is replayed from its source. */
export const DENSE_REQUESTS_MAX = 50_000_000;

/** Sums of whole numbers stay exact in doubles up to here, whatever the order of the additions. */
const EXACT_SUM_MAX = Number.MAX_SAFE_INTEGER;

/** Room for this many entries at first; buffers double from there. */
const INITIAL_ENTRIES = 1 << 16;

export interface DenseRequests {
  /** Requests in the stream. */
  readonly count: number;
  /** Distinct keys; every id is below this. */
  readonly keyCount: number;
  /** ids[i]: request i's key; equal ids are equal keys. */
  readonly ids: Int32Array;
  /** keySizes[id]: the size of the key's first request. */
  readonly keySizes: Float64Array;
  /**
   * sizes[i]: request i's size (bytes, or 1 where the stream gives none and sizes do not count); null
   * when every request carries its key's first size (then keySizes[ids[i]] is request i's size).
   */
  readonly sizes: Float64Array | null;
  /** The sum of the sizes, added in request order (as a replay adds them). */
  readonly bytes: number;
  /** The largest size. */
  readonly sizeMax: number;
  /**
   * Whether every size is a whole number and their sum is at most 2^53 - 1: then every partial sum is
   * exact, so sums taken in another order (a histogram, a tree) equal a replay's running sums.
   */
  readonly sumsExact: boolean;
}

/** A growable SharedArrayBuffer (ES2024; Node 20 has it, the project's TypeScript library not yet). */
interface GrowableBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
const GrowableBuffer = SharedArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => GrowableBuffer;

/** A shared buffer of doubles or 32-bit integers that grows in place up to a fixed most. */
class GrowingArray<T extends Int32Array | Float64Array> {
  private readonly buffer: GrowableBuffer;
  array: T;

  constructor(
    private readonly make: (buffer: SharedArrayBuffer, length: number) => T,
    private readonly bytesEach: number,
    private readonly lengthMax: number,
  ) {
    const length = Math.min(INITIAL_ENTRIES, lengthMax);
    this.buffer = new GrowableBuffer(length * bytesEach, { maxByteLength: lengthMax * bytesEach });
    this.array = make(this.buffer, length);
  }

  /** Makes room for index `at`. */
  reserve(at: number): void {
    if (at < this.array.length) return;
    if (at >= this.lengthMax) throw new Error(`dense requests hold at most ${this.lengthMax} entries`);
    let length = this.array.length;
    while (length <= at) length *= 2;
    length = Math.min(length, this.lengthMax);
    this.buffer.grow(length * this.bytesEach);
    this.array = this.make(this.buffer, length);
  }

  /** The first `length` entries. */
  first(length: number): T {
    return this.array.subarray(0, length) as T;
  }
}

const int32s = (lengthMax: number) => new GrowingArray((b, n) => new Int32Array(b, 0, n), 4, lengthMax);
const doubles = (lengthMax: number) => new GrowingArray((b, n) => new Float64Array(b, 0, n), 8, lengthMax);

/** Builds a DenseRequests from (key id, size) pairs; the caller gives each key its number. */
export class DenseRequestsBuilder {
  private readonly ids = int32s(DENSE_REQUESTS_MAX);
  private readonly keySizes = doubles(DENSE_REQUESTS_MAX);
  /** Per-request sizes, from the first request whose size is not its key's first. */
  private sizes: GrowingArray<Float64Array> | null = null;
  private count = 0;
  private keyCount = 0;
  private bytes = 0;
  private sizeMax = 0;
  private wholeSizes = true;

  /** The number the next new key gets. */
  get nextKey(): number {
    return this.keyCount;
  }

  /** Whether another request would pass DENSE_REQUESTS_MAX. */
  get full(): boolean {
    return this.count >= DENSE_REQUESTS_MAX;
  }

  /** Appends a request; `id` is an earlier key's number or `nextKey` for a new key. */
  add(id: number, size: number): void {
    const at = this.count;
    this.ids.reserve(at);
    this.ids.array[at] = id;
    if (id === this.keyCount) {
      this.keySizes.reserve(id);
      this.keySizes.array[id] = size;
      this.keyCount++;
    } else if (this.sizes === null && this.keySizes.array[id] !== size) this.perRequestSizes();
    if (this.sizes !== null) {
      this.sizes.reserve(at);
      this.sizes.array[at] = size;
    }
    this.count = at + 1;
    this.bytes += size;
    if (size > this.sizeMax) this.sizeMax = size;
    if (!Number.isInteger(size)) this.wholeSizes = false;
  }

  finish(): DenseRequests {
    return {
      count: this.count,
      keyCount: this.keyCount,
      ids: this.ids.first(this.count),
      keySizes: this.keySizes.first(this.keyCount),
      sizes: this.sizes === null ? null : this.sizes.first(this.count),
      bytes: this.bytes,
      sizeMax: this.sizeMax,
      sumsExact: this.wholeSizes && this.bytes <= EXACT_SUM_MAX,
    };
  }

  /** Starts per-request sizes: every earlier request carried its key's first size. */
  private perRequestSizes(): void {
    const sizes = doubles(DENSE_REQUESTS_MAX);
    sizes.reserve(this.count);
    const ids = this.ids.array;
    const keySizes = this.keySizes.array;
    for (let i = 0; i < this.count; i++) sizes.array[i] = keySizes[ids[i] as number] as number;
    this.sizes = sizes;
  }
}

/**
 * A stream of (key, size) requests held densely, keys numbered by a map of their strings; null when it
 * is longer than DENSE_REQUESTS_MAX (then replays walk the stream itself).
 */
export function denseRequestsOf(requests: Iterable<Request>): DenseRequests | null {
  const builder = new DenseRequestsBuilder();
  const numbers = new Map<string, number>();
  for (const { key, size } of requests) {
    if (builder.full) return null;
    let id = numbers.get(key);
    if (id === undefined) {
      id = builder.nextKey;
      numbers.set(key, id);
    }
    builder.add(id, size);
  }
  return builder.finish();
}
