// When each version of every key was committed: the oracle's whole history, kept in a few large
// Float64Arrays rather than in an array per key. A JavaScript array costs a 32-byte array object and a
// 16-byte element header before its first slot, and grows by half its size; a key written once (most
// keys) then paid 64 bytes for the two times it holds, and the bench world at 4,000,000 requests kept
// 3.5 MiB of such arrays for 1.9 MiB of times. Here a key's times sit in one segment of a chunk, whose
// room is a power of two: a segment that fills moves to one twice its size, and the one it left goes to
// a free list that the next key of that size takes. Nothing is ever forgotten: any read may still ask
// when any version was superseded (a cache may hold a version for as long as it likes).
//
// A segment's address is chunkIndex * CHUNK_SLOTS + offset, a small integer the key keeps. A segment
// too large for a chunk gets a chunk of its own, at offset 0.

/** Slots in a shared chunk (512 KiB); a segment of this size or more gets a chunk of its own. */
const CHUNK_SLOTS = 1 << 16;
const CHUNK_SHIFT = 16;
/** The smallest segment: a key's first two versions (a seeded version and the first write). */
const SEGMENT_SLOTS_MIN = 2;
/** Chunks at most, so that every address stays a small integer (2^31: 16 GiB of commit times). */
const CHUNKS_MAX = 1 << (31 - CHUNK_SHIFT);
/** No segment: the key has no version, or only a version committed at time 0 (seeded or filled). */
export const NO_SEGMENT = -1;

/** The room of the segment that holds `count` times (count ≥ 1): the next power of two, at least 2. */
function roomFor(count: number): number {
  return count <= SEGMENT_SLOTS_MIN ? SEGMENT_SLOTS_MIN : 1 << (32 - Math.clz32(count - 1));
}

/** log2 of a power of two. */
function log2(room: number): number {
  return 31 - Math.clz32(room);
}

export class CommitLog {
  private readonly chunks: Float64Array[] = [];
  /** The shared chunk segments are cut from, and the first slot not yet cut. */
  private current = -1;
  private cut = CHUNK_SLOTS;
  /**
   * Free segments of each shared size, by log2 of their room: the address of the first, whose slot 0
   * holds the next one's (NO_SEGMENT ends the list).
   */
  private readonly free = new Int32Array(CHUNK_SHIFT).fill(NO_SEGMENT);
  /** Own chunks given back (their segment moved to a larger one), to be used again. */
  private readonly spareChunks: number[] = [];

  /** Time number `index` (from 0) of the segment at `address`. */
  at(address: number, index: number): number {
    return (this.chunks[address >>> CHUNK_SHIFT] as Float64Array)[
      (address & (CHUNK_SLOTS - 1)) + index
    ] as number;
  }

  /**
   * Adds a time after the `count` the segment at `address` holds, and returns the segment's address,
   * which changes when it had no room left. With no segment (NO_SEGMENT), `count` is 0 or 1, and a
   * count of 1 is a version committed at time 0, which the new segment then holds first.
   */
  append(address: number, count: number, timeUs: number): number {
    if (address === NO_SEGMENT) {
      const made = this.allocate(SEGMENT_SLOTS_MIN);
      if (count === 1) this.set(made, 0, 0);
      this.set(made, count, timeUs);
      // Always a small integer (`| 0` says so to V8): the key keeps it in a field that holds small
      // integers only, where a number read back from a Float64Array would make it a boxed double.
      return made | 0;
    }
    let segment = address;
    const room = roomFor(count);
    if (count === room) {
      segment = this.allocate(room * 2);
      const from = this.chunks[address >>> CHUNK_SHIFT] as Float64Array;
      const start = address & (CHUNK_SLOTS - 1);
      const to = this.chunks[segment >>> CHUNK_SHIFT] as Float64Array;
      to.set(from.subarray(start, start + room), segment & (CHUNK_SLOTS - 1));
      this.release(address, room);
    }
    this.set(segment, count, timeUs);
    return segment | 0;
  }

  private set(address: number, index: number, value: number): void {
    (this.chunks[address >>> CHUNK_SHIFT] as Float64Array)[(address & (CHUNK_SLOTS - 1)) + index] = value;
  }

  /** A segment of `room` slots (a power of two). */
  private allocate(room: number): number {
    if (room >= CHUNK_SLOTS) {
      const chunk = this.spareChunks.pop() ?? this.newChunkIndex();
      this.chunks[chunk] = new Float64Array(room);
      return chunk << CHUNK_SHIFT;
    }
    const size = log2(room);
    const head = this.free[size] as number;
    if (head !== NO_SEGMENT) {
      this.free[size] = this.at(head, 0);
      return head;
    }
    if (this.cut + room > CHUNK_SLOTS) {
      // What is left of the current chunk goes to the free lists, in the largest pieces it holds.
      let rest = CHUNK_SLOTS - this.cut;
      while (rest >= SEGMENT_SLOTS_MIN) {
        const piece = 1 << log2(rest);
        this.release((this.current << CHUNK_SHIFT) + this.cut, piece);
        this.cut += piece;
        rest -= piece;
      }
      this.current = this.newChunkIndex();
      this.chunks[this.current] = new Float64Array(CHUNK_SLOTS);
      this.cut = 0;
    }
    const address = (this.current << CHUNK_SHIFT) + this.cut;
    this.cut += room;
    return address | 0;
  }

  private release(address: number, room: number): void {
    if (room >= CHUNK_SLOTS) {
      const chunk = address >>> CHUNK_SHIFT;
      this.chunks[chunk] = EMPTY;
      this.spareChunks.push(chunk);
      return;
    }
    const size = log2(room);
    this.set(address, 0, this.free[size] as number);
    this.free[size] = address;
  }

  private newChunkIndex(): number {
    if (this.chunks.length >= CHUNKS_MAX) {
      throw new RangeError(`the commit history passed ${CHUNKS_MAX} chunks of ${CHUNK_SLOTS} times`);
    }
    this.chunks.push(EMPTY);
    return this.chunks.length - 1;
  }
}

const EMPTY = new Float64Array(0);
