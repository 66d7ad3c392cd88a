// LRU's miss ratio at every size in one pass (Mattson et al., 1970). A request's stack distance is the
// number of distinct keys requested since the key's previous request, itself included; LRU of capacity C
// (entries) hits exactly the requests whose distance is at most C. The distance is counted with a
// Fenwick tree over request positions holding a 1 at each key's latest position: O(log n) a request.
import type { Request } from "./replay.ts";

export interface StackDistances {
  requests: number;
  /** Requests for keys never seen before: a miss at every size. */
  coldMisses: number;
  coldBytes: number;
  /** distanceCounts[d] = requests at stack distance d (d >= 1); distanceBytes[d] = their bytes. */
  distanceCounts: number[];
  distanceBytes: number[];
  bytes: number;
  /**
   * Every key's size, the most recently requested key first: what LRU holds at the end of the stream
   * (its first C at C entries), from which its evictions and evicted bytes follow. Null when a key's
   * size changes between requests (an entry keeps the size of the miss that inserted it, which then
   * depends on the capacity) or a sum of sizes might not be exact in doubles: then the curve's
   * evictions come from replays.
   */
  recentSizes: number[] | null;
}

/** Sums of whole numbers stay exact in doubles up to here, whatever the order of the additions. */
const EXACT_SUM_MAX = Number.MAX_SAFE_INTEGER;

class GrowingFenwick {
  private tree = new Int32Array(1024);

  add(position: number, delta: number): void {
    if (position >= this.tree.length - 1) this.grow(position);
    for (let i = position + 1; i < this.tree.length; i += i & -i)
      this.tree[i] = (this.tree[i] as number) + delta;
  }

  /** Sum over positions 0..position. */
  prefix(position: number): number {
    let sum = 0;
    for (let i = Math.min(position + 1, this.tree.length - 1); i > 0; i -= i & -i)
      sum += this.tree[i] as number;
    return sum;
  }

  /** Doubles the tree; rebuilt from the point values so the sums stay right. */
  private grow(position: number): void {
    const old = this.tree;
    const values = new Int32Array(old.length);
    // Recover point values (value[i] = prefix(i) - prefix(i - 1)) before resizing.
    let previous = 0;
    for (let p = 0; p < old.length - 1; p++) {
      const now = this.prefix(p);
      values[p] = now - previous;
      previous = now;
    }
    let size = old.length;
    while (position >= size - 1) size *= 2;
    this.tree = new Int32Array(size);
    for (let p = 0; p < old.length - 1; p++) if (values[p] !== 0) this.add(p, values[p] as number);
  }
}

export function stackDistances(requests: Iterable<Request>): StackDistances {
  // Each key's number, and by number its latest position and its first size.
  const numbers = new Map<string, number>();
  const lastAt: number[] = [];
  const sizeOf: number[] = [];
  let oneSizePerKey = true;
  let wholeSizes = true;
  const tree = new GrowingFenwick();
  const counts: number[] = [0];
  const countBytes: number[] = [0];
  let coldMisses = 0;
  let coldBytes = 0;
  let bytes = 0;
  let position = 0;
  for (const { key, size } of requests) {
    bytes += size;
    if (!Number.isInteger(size)) wholeSizes = false;
    let id = numbers.get(key);
    if (id === undefined) {
      id = lastAt.length;
      numbers.set(key, id);
      sizeOf.push(size);
      lastAt.push(position);
      coldMisses++;
      coldBytes += size;
    } else {
      const previous = lastAt[id] as number;
      // Keys whose latest request lies after `previous`, plus this key itself.
      const distance = tree.prefix(position - 1) - tree.prefix(previous) + 1;
      counts[distance] = (counts[distance] ?? 0) + 1;
      countBytes[distance] = (countBytes[distance] ?? 0) + size;
      tree.add(previous, -1);
      lastAt[id] = position;
      if (size !== sizeOf[id]) oneSizePerKey = false;
    }
    tree.add(position, 1);
    position++;
  }
  for (let d = 0; d < counts.length; d++) {
    counts[d] ??= 0;
    countBytes[d] ??= 0;
  }
  return {
    requests: position,
    coldMisses,
    coldBytes,
    distanceCounts: counts,
    distanceBytes: countBytes,
    bytes,
    recentSizes:
      oneSizePerKey && wholeSizes && bytes <= EXACT_SUM_MAX
        ? Array.from(lastAt.keys())
            .sort((a, b) => (lastAt[b] as number) - (lastAt[a] as number))
            .map((id) => sizeOf[id] as number)
        : null,
  };
}

/** LRU's evictions and evicted bytes at each capacity (entries); null without `recentSizes`. */
export function lruEvictions(
  distances: StackDistances,
  capacities: readonly number[],
): { evictions: number[]; evictedBytes: number[] } | null {
  const recent = distances.recentSizes;
  if (recent === null) return null;
  const misses = lruMisses(distances, capacities);
  const missBytes = lruMissBytes(distances, capacities);
  // Every miss is inserted (an entry is one unit, a capacity at least one), and an entry leaves only
  // by eviction: what was inserted and is not held at the end was evicted.
  const heldBytes = prefixSums(recent);
  return {
    evictions: capacities.map((c, i) => (misses[i] as number) - Math.min(c, recent.length)),
    evictedBytes: capacities.map(
      (c, i) => (missBytes[i] as number) - (heldBytes[Math.min(c, recent.length)] as number),
    ),
  };
}

/** sums[i]: the first i values added up (sums[0] = 0). */
export function prefixSums(values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = (sums[i] as number) + (values[i] as number);
  return sums;
}

/** LRU misses at each capacity (entries), from the distances. */
export function lruMisses(distances: StackDistances, capacities: readonly number[]): number[] {
  return beyond(distances.distanceCounts, distances.coldMisses, capacities);
}

/** Bytes of the requests LRU misses at each capacity (entries). */
export function lruMissBytes(distances: StackDistances, capacities: readonly number[]): number[] {
  return beyond(distances.distanceBytes, distances.coldBytes, capacities);
}

/** cold + the sum of histogram[d] over d > C, for each C: requests beyond the capacity miss. */
function beyond(histogram: readonly number[], cold: number, capacities: readonly number[]): number[] {
  const suffix = new Array<number>(histogram.length + 1).fill(0);
  for (let d = histogram.length - 1; d >= 0; d--)
    suffix[d] = (suffix[d + 1] as number) + (histogram[d] as number);
  return capacities.map((c) => cold + (c + 1 < suffix.length ? (suffix[c + 1] as number) : 0));
}
