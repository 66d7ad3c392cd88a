// Distinct non-negative integer values with their counts, sorted and packed into about two bytes a value,
// for the part of an exact histogram where values are sparse (staleness ages spread over a whole TTL,
// mostly distinct). Two typed arrays of values and cumulative counts cost 8 to 16 bytes a value; over a
// long run with many nodes that was most of the memory a run grew by.
//
// Consecutive values are close (a few hundred microseconds apart even when a TTL holds a hundred
// thousand of them), and most counts are 1, so an entry is the gap to the previous value with the count
// folded in: one byte holds a flag "count is not 1" and the gap's low 6 bits, further bytes (LEB128, 7
// bits each) the rest of the gap, then the count when flagged. Gaps and counts are any safe integer:
// arithmetic beyond 2^31 is done with multiplication and division, never 32-bit bit operations.
//
// Entries are grouped in blocks of BLOCK_ENTRIES with an index (first value, count of all values before
// the block, byte offset), so finding a rank or counting the values up to v is a binary search over
// blocks and a scan of one block. The first entry of a block is coded as a gap of 0 from the block's
// first value, so a block decodes without its predecessor.
//
// A PackedCounts never changes once built: merging builds a new one (linear in both), which is how the
// histogram folds its sorted pending values in. So one may be shared by several histograms.

/** Entries a block holds: a scan decodes at most this many, and the index costs 20 bytes per block. */
const BLOCK_ENTRIES = 128;
/** The longest entry: a first byte, 7 more bytes of a gap below 2^53 and 8 bytes of a count. */
const ENTRY_BYTES_MAX = 16;
/**
 * Scratch buffers are shared by every build (one at a time: nothing here is re-entered) and kept between
 * builds up to this size, so building a few kilobytes allocates only the result, and one huge merge does
 * not pin its scratch for the rest of the run.
 */
const SCRATCH_KEEP_BYTES = 1 << 20;
const SCRATCH_MIN_BYTES = 4096;
const SCRATCH_MIN_BLOCKS = 64;

const NO_BYTES = new Uint8Array(0);
const NO_FLOATS = new Float64Array(0);
const NO_OFFSETS = new Uint32Array(0);

let scratchBytes = new Uint8Array(SCRATCH_MIN_BYTES);
let scratchFirst = new Float64Array(SCRATCH_MIN_BLOCKS);
let scratchBefore = new Float64Array(SCRATCH_MIN_BLOCKS);
let scratchOffset = new Uint32Array(SCRATCH_MIN_BLOCKS);

/** One decoded entry: decoding fills one of these rather than returning an object, so it allocates nothing. */
class Entry {
  gap = 0;
  count = 0;
}
/** The entry that atRank and countUpTo decode into. */
const scanned = new Entry();

/** Decodes the entry at byte p into `into`; returns the byte after it. */
function decodeEntry(bytes: Uint8Array, p: number, into: Entry): number {
  const head = bytes[p++] as number;
  let gap = (head >>> 1) & 63;
  if (head >= 128) {
    let scale = 64;
    let b: number;
    do {
      b = bytes[p++] as number;
      gap += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
  }
  let count = 1;
  if ((head & 1) !== 0) {
    count = 0;
    let scale = 1;
    let b: number;
    do {
      b = bytes[p++] as number;
      count += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
  }
  into.gap = gap;
  into.count = count;
  return p;
}

/** Writes x (a safe integer ≥ 0) as LEB128 at p; returns the byte after it. */
function writeVarint(bytes: Uint8Array, p: number, x: number): number {
  // Above 2^31 bit operations would wrap: divide instead.
  while (x > 0x7fffffff) {
    bytes[p++] = (x % 128) | 128;
    x = Math.floor(x / 128);
  }
  while (x >= 128) {
    bytes[p++] = (x & 127) | 128;
    x >>>= 7;
  }
  bytes[p++] = x;
  return p;
}

/** Builds a PackedCounts from values given in increasing order, into the shared scratch buffers. */
class Builder {
  /** scratchBytes, read once: a module binding costs a check on every access. */
  private bytes = scratchBytes;
  private bytesLength = 0;
  private blocks = 0;
  private inBlock = BLOCK_ENTRIES;
  private previous = 0;
  private length = 0;
  private total = 0;

  /** Appends a value greater than every value appended so far. */
  put(value: number, count: number): void {
    if (this.inBlock === BLOCK_ENTRIES) this.startBlock(value);
    const bytes = this.bytes;
    const gap = value - this.previous;
    const flag = count === 1 ? 0 : 1;
    let p = this.bytesLength;
    if (gap < 64) bytes[p++] = flag | (gap << 1);
    else if (gap <= 0x7fffffff) {
      // The common case in 31-bit integer operations: floating-point % and division cost far more.
      bytes[p++] = flag | ((gap & 63) << 1) | 128;
      p = writeVarint(bytes, p, gap >>> 6);
    } else {
      bytes[p++] = flag | ((gap % 64) << 1) | 128;
      p = writeVarint(bytes, p, Math.floor(gap / 64));
    }
    if (flag !== 0) p = writeVarint(bytes, p, count);
    this.bytesLength = p;
    this.previous = value;
    this.inBlock++;
    this.length++;
    this.total += count;
  }

  /** Starts a block at `value`, with room for all its entries: put() then never checks for room. */
  private startBlock(value: number): void {
    if (this.bytesLength + BLOCK_ENTRIES * ENTRY_BYTES_MAX > this.bytes.length) {
      const bytes = new Uint8Array(
        Math.max(this.bytes.length * 2, this.bytesLength + BLOCK_ENTRIES * ENTRY_BYTES_MAX),
      );
      bytes.set(this.bytes.subarray(0, this.bytesLength));
      this.bytes = bytes;
      scratchBytes = bytes;
    }
    if (this.blocks === scratchFirst.length) {
      const capacity = this.blocks * 2;
      const first = new Float64Array(capacity);
      const before = new Float64Array(capacity);
      const offset = new Uint32Array(capacity);
      first.set(scratchFirst);
      before.set(scratchBefore);
      offset.set(scratchOffset);
      scratchFirst = first;
      scratchBefore = before;
      scratchOffset = offset;
    }
    scratchFirst[this.blocks] = value;
    scratchBefore[this.blocks] = this.total;
    scratchOffset[this.blocks] = this.bytesLength;
    this.blocks++;
    this.inBlock = 0;
    this.previous = value;
  }

  /** The values put, copied out of the scratch buffers at their exact size. */
  finish(): PackedCounts {
    if (this.length === 0) return PackedCounts.EMPTY;
    const packed = new PackedCounts(
      scratchBytes.slice(0, this.bytesLength),
      scratchFirst.slice(0, this.blocks),
      scratchBefore.slice(0, this.blocks),
      scratchOffset.slice(0, this.blocks),
      this.length,
      this.total,
    );
    if (scratchBytes.length > SCRATCH_KEEP_BYTES) {
      scratchBytes = new Uint8Array(SCRATCH_MIN_BYTES);
      scratchFirst = new Float64Array(SCRATCH_MIN_BLOCKS);
      scratchBefore = new Float64Array(SCRATCH_MIN_BLOCKS);
      scratchOffset = new Uint32Array(SCRATCH_MIN_BLOCKS);
    }
    return packed;
  }
}

/** Reads the entries of a PackedCounts in increasing order. */
class PackedCountsReader {
  /** The current value and its count, once next() returned true. */
  value = 0;
  count = 0;
  private readonly entry = new Entry();
  private readonly bytes: Uint8Array;
  private p = 0;
  private block = -1;
  /** Where the next block starts: there the gap counts from that block's first value. */
  private blockEnd = 0;

  constructor(private readonly packed: PackedCounts) {
    this.bytes = packed.bytes;
  }

  next(): boolean {
    const bytes = this.bytes;
    if (this.p >= bytes.length) return false;
    if (this.p === this.blockEnd) {
      const packed = this.packed;
      const block = ++this.block;
      this.value = packed.blockFirst[block] as number;
      this.blockEnd =
        block + 1 < packed.blockFirst.length ? (packed.blockOffset[block + 1] as number) : bytes.length;
    }
    const entry = this.entry;
    this.p = decodeEntry(bytes, this.p, entry);
    this.value += entry.gap;
    this.count = entry.count;
    return true;
  }
}

export class PackedCounts {
  static readonly EMPTY = new PackedCounts(NO_BYTES, NO_FLOATS, NO_FLOATS, NO_OFFSETS, 0, 0);

  /** Use the static builders: the arrays are one consistent encoding. */
  constructor(
    /** The entries, block after block. */
    readonly bytes: Uint8Array,
    /** Each block's first value. */
    readonly blockFirst: Float64Array,
    /** How many values (counts summed) come before each block. */
    readonly blockBefore: Float64Array,
    /** Where each block starts in `bytes`. */
    readonly blockOffset: Uint32Array,
    /** Number of distinct values. */
    readonly length: number,
    /** Sum of the counts. */
    readonly total: number,
  ) {}

  /**
   * The values[0..n) in non-decreasing order (equal ones are summed), each with counts[i], or a count
   * of 1 each when counts is null.
   */
  static fromSorted(values: ArrayLike<number>, counts: ArrayLike<number> | null, n: number): PackedCounts {
    const builder = new Builder();
    let i = 0;
    while (i < n) {
      const value = values[i] as number;
      let count = 0;
      do {
        count += counts === null ? 1 : (counts[i] as number);
        i++;
      } while (i < n && values[i] === value);
      builder.put(value, count);
    }
    return builder.finish();
  }

  /** The values of both, equal ones with their counts summed: linear in both. */
  static merge(a: PackedCounts, b: PackedCounts): PackedCounts {
    if (b.length === 0) return a;
    if (a.length === 0) return b;
    const builder = new Builder();
    const left = new PackedCountsReader(a);
    const right = new PackedCountsReader(b);
    let hasLeft = left.next();
    let hasRight = right.next();
    while (hasLeft && hasRight) {
      if (left.value < right.value) {
        builder.put(left.value, left.count);
        hasLeft = left.next();
      } else if (right.value < left.value) {
        builder.put(right.value, right.count);
        hasRight = right.next();
      } else {
        builder.put(left.value, left.count + right.count);
        hasLeft = left.next();
        hasRight = right.next();
      }
    }
    for (; hasLeft; hasLeft = left.next()) builder.put(left.value, left.count);
    for (; hasRight; hasRight = right.next()) builder.put(right.value, right.count);
    return builder.finish();
  }

  /**
   * The values of all the runs, equal ones with their counts summed, in one pass: each value is
   * encoded once, where merging them two at a time would encode the first ones again at every step.
   */
  static mergeAll(runs: readonly PackedCounts[]): PackedCounts {
    const kept = runs.filter((run) => run.length > 0);
    if (kept.length <= 2)
      return PackedCounts.merge(kept[0] ?? PackedCounts.EMPTY, kept[1] ?? PackedCounts.EMPTY);
    const readers = kept.map((run) => new PackedCountsReader(run));
    for (const reader of readers) reader.next();
    // readers[0..live) each hold a value not yet put; a reader that runs out takes the last one's place.
    let live = readers.length;
    const builder = new Builder();
    while (live > 1) {
      let min = (readers[0] as PackedCountsReader).value;
      for (let i = 1; i < live; i++) {
        const value = (readers[i] as PackedCountsReader).value;
        if (value < min) min = value;
      }
      let count = 0;
      for (let i = 0; i < live; ) {
        const reader = readers[i] as PackedCountsReader;
        if (reader.value === min) {
          count += reader.count;
          if (!reader.next()) {
            readers[i] = readers[--live] as PackedCountsReader;
            continue;
          }
        }
        i++;
      }
      builder.put(min, count);
    }
    if (live === 1) {
      const last = readers[0] as PackedCountsReader;
      do builder.put(last.value, last.count);
      while (last.next());
    }
    return builder.finish();
  }

  /** Bytes held, index included. */
  get byteLength(): number {
    return (
      this.bytes.byteLength +
      this.blockFirst.byteLength +
      this.blockBefore.byteLength +
      this.blockOffset.byteLength
    );
  }

  /** The smallest value v such that at least `rank` values are ≤ v (1 ≤ rank ≤ total). */
  atRank(rank: number): number {
    // Past the total the scan below would run off the end.
    if (!(rank >= 1 && rank <= this.total)) throw new RangeError(`rank ${rank} outside 1..${this.total}`);
    const before = this.blockBefore;
    // The last block with fewer than `rank` values before it holds the answer.
    let lo = 0;
    let hi = before.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((before[mid] as number) < rank) lo = mid;
      else hi = mid - 1;
    }
    const bytes = this.bytes;
    const end = lo + 1 < before.length ? (this.blockOffset[lo + 1] as number) : bytes.length;
    let p = this.blockOffset[lo] as number;
    let value = this.blockFirst[lo] as number;
    let cumulative = before[lo] as number;
    while (p < end) {
      p = decodeEntry(bytes, p, scanned);
      value += scanned.gap;
      cumulative += scanned.count;
      if (cumulative >= rank) return value;
    }
    throw new Error(`packed counts: block ${lo} ends before rank ${rank}`);
  }

  /** How many values (counts summed) are ≤ v. */
  countUpTo(v: number): number {
    const first = this.blockFirst;
    if (first.length === 0 || v < (first[0] as number)) return 0;
    // The last block starting at or below v: values ≤ v end in it.
    let lo = 0;
    let hi = first.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((first[mid] as number) <= v) lo = mid;
      else hi = mid - 1;
    }
    const bytes = this.bytes;
    const end = lo + 1 < first.length ? (this.blockOffset[lo + 1] as number) : bytes.length;
    let p = this.blockOffset[lo] as number;
    let value = first[lo] as number;
    let cumulative = this.blockBefore[lo] as number;
    while (p < end) {
      p = decodeEntry(bytes, p, scanned);
      value += scanned.gap;
      if (value > v) break;
      cumulative += scanned.count;
    }
    return cumulative;
  }
}
