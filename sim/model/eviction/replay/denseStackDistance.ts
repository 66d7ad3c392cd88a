// LRU's whole curve in one pass over dense requests (Mattson et al., 1970), by entries and by bytes.
// A Fenwick tree over request positions holds, at each key's latest request, the key's weight (1 by
// entries, its size by bytes); the weight of the keys requested since a key's previous request is then
// the weight of every key seen so far less the tree's prefix up to that request.
//
// By entries this is stackDistance.ts's computation with typed arrays for the map and the tree: the
// same histogram, added in the same order. By bytes, LRU of capacity C holds the longest run of the
// recency order (most recent first) whose sizes sum to at most C — true while no request is too large
// to cache at C and every key keeps one size (a hit keeps the size an entry was inserted with); the
// callers check both. A request hits at C exactly when its byte distance (the sizes of the keys
// requested since its key's previous request, plus its own) is at most C.
import type { StackDistances } from "../stackDistance.ts";
import type { DenseRequests } from "./denseRequests.ts";

/**
 * Each key's weight at its latest touch, in touch order. Only the keys' order matters, not the request
 * numbers, so positions are renumbered 0, 1, 2, … (in the same order) whenever they run out: the tree
 * spans twice the keys rather than every request, which keeps it small enough to stay in the caches.
 */
class RecencyTree {
  private readonly tree: Float64Array;
  private readonly lastAt: Int32Array;
  private readonly weightOf: Float64Array;
  /** Key at each position, for renumbering. */
  private readonly keyAt: Int32Array;
  private next = 0;
  /** The sum of every touched key's weight. */
  total = 0;

  constructor(keys: number, requests: number) {
    const positions = Math.max(1, Math.min(requests, 2 * keys));
    this.tree = new Float64Array(positions + 1);
    this.keyAt = new Int32Array(positions);
    this.lastAt = new Int32Array(keys).fill(-1);
    this.weightOf = new Float64Array(keys);
  }

  touched(id: number): boolean {
    return (this.lastAt[id] as number) !== -1;
  }

  /** The weight of the keys touched since `id` was (`id` excluded); `id` has been touched. */
  since(id: number): number {
    const tree = this.tree;
    let sum = 0;
    for (let i = (this.lastAt[id] as number) + 1; i > 0; i -= i & -i) sum += tree[i] as number;
    return this.total - sum;
  }

  touch(id: number, weight: number): void {
    if (this.next === this.keyAt.length) this.renumber();
    const previous = this.lastAt[id] as number;
    if (previous !== -1) {
      this.add(previous, -(this.weightOf[id] as number));
      this.total -= this.weightOf[id] as number;
    }
    const at = this.next++;
    this.add(at, weight);
    this.keyAt[at] = id;
    this.lastAt[id] = at;
    this.weightOf[id] = weight;
    this.total += weight;
  }

  /** The touched keys, the most recently touched first. */
  recentFirst(): Int32Array {
    const { keyAt, lastAt } = this;
    const keys = new Int32Array(keyAt.length);
    let k = 0;
    for (let at = this.next - 1; at >= 0; at--) {
      const id = keyAt[at] as number;
      if (lastAt[id] === at) keys[k++] = id;
    }
    return keys.subarray(0, k);
  }

  private add(position: number, delta: number): void {
    const tree = this.tree;
    for (let i = position + 1; i < tree.length; i += i & -i) tree[i] = (tree[i] as number) + delta;
  }

  /** Positions 0..k-1 for the k touched keys, in their order; the tree rebuilt in linear time. */
  private renumber(): void {
    const { tree, keyAt, lastAt, weightOf } = this;
    tree.fill(0);
    let k = 0;
    for (let at = 0; at < keyAt.length; at++) {
      const id = keyAt[at] as number;
      if (lastAt[id] !== at) continue; // touched again later
      keyAt[k] = id;
      lastAt[id] = k;
      tree[k + 1] = weightOf[id] as number;
      k++;
    }
    for (let i = 1; i < tree.length; i++) {
      const parent = i + (i & -i);
      if (parent < tree.length) tree[parent] = (tree[parent] as number) + (tree[i] as number);
    }
    this.next = k;
  }
}

/** The same StackDistances as `stackDistances` over the stream the dense requests were read from. */
export function denseStackDistances(requests: DenseRequests): StackDistances {
  const { ids, keySizes, sizes, count } = requests;
  const recency = new RecencyTree(requests.keyCount, count);
  const counts = new Float64Array(requests.keyCount + 1);
  const countBytes = new Float64Array(requests.keyCount + 1);
  let distanceMax = 0;
  let coldMisses = 0;
  let coldBytes = 0;
  let bytes = 0;
  for (let position = 0; position < count; position++) {
    const id = ids[position] as number;
    const size = (sizes === null ? keySizes[id] : sizes[position]) as number;
    bytes += size;
    if (!recency.touched(id)) {
      coldMisses++;
      coldBytes += size;
    } else {
      // Keys whose latest request lies after the key's previous one, plus this key itself.
      const distance = recency.since(id) + 1;
      counts[distance] = (counts[distance] as number) + 1;
      countBytes[distance] = (countBytes[distance] as number) + size;
      if (distance > distanceMax) distanceMax = distance;
    }
    recency.touch(id, 1);
  }
  return {
    requests: count,
    coldMisses,
    coldBytes,
    distanceCounts: Array.from(counts.subarray(0, distanceMax + 1)),
    distanceBytes: Array.from(countBytes.subarray(0, distanceMax + 1)),
    bytes,
    recentSizes:
      sizes === null && requests.sumsExact
        ? Array.from(recency.recentFirst(), (id) => keySizes[id] as number)
        : null,
  };
}

/** Whether `lruByteMisses` gives LRU's exact counts by bytes at these capacities. */
export function byteStackApplies(requests: DenseRequests, capacities: readonly number[]): boolean {
  return (
    requests.sizes === null &&
    requests.sumsExact &&
    capacities.every((c) => Number.isInteger(c) && c >= requests.sizeMax)
  );
}

/** LRU's counts at each capacity in bytes (ascending), from one pass; see byteStackApplies. */
export interface LruByteCounts {
  misses: number[];
  missBytes: number[];
  evictions: number[];
  evictedBytes: number[];
}

/** LRU's misses, missed bytes and evictions at each capacity in bytes (ascending); see byteStackApplies. */
export function lruByteMisses(requests: DenseRequests, capacities: readonly number[]): LruByteCounts {
  const { ids, keySizes, sizes, count } = requests;
  const recency = new RecencyTree(requests.keyCount, count);
  const k = capacities.length;
  // band[j]: requests whose byte distance is above capacities[j - 1] and at most capacities[j].
  const band = new Float64Array(k + 1);
  const bandBytes = new Float64Array(k + 1);
  let coldMisses = 0;
  let coldBytes = 0;
  for (let position = 0; position < count; position++) {
    const id = ids[position] as number;
    const size = (sizes === null ? keySizes[id] : sizes[position]) as number;
    if (!recency.touched(id)) {
      coldMisses++;
      coldBytes += size;
    } else {
      const distance = recency.since(id) + size;
      let lo = 0;
      let hi = k;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((capacities[mid] as number) >= distance) hi = mid;
        else lo = mid + 1;
      }
      band[lo] = (band[lo] as number) + 1;
      bandBytes[lo] = (bandBytes[lo] as number) + size;
    }
    recency.touch(id, size);
  }
  const misses: number[] = new Array(k);
  const missBytes: number[] = new Array(k);
  let beyond = band[k] as number;
  let beyondBytes = bandBytes[k] as number;
  for (let j = k - 1; j >= 0; j--) {
    misses[j] = coldMisses + beyond;
    missBytes[j] = coldBytes + beyondBytes;
    beyond += band[j] as number;
    beyondBytes += bandBytes[j] as number;
  }
  // No request is larger than a capacity, so every miss is inserted, and an entry leaves only by
  // eviction; at the end LRU holds the longest run of the recency order that fits. What was inserted
  // and is not held was evicted.
  const evictions: number[] = new Array(k);
  const evictedBytes: number[] = new Array(k);
  const recent = recency.recentFirst();
  let held = 0;
  let heldBytes = 0;
  for (let j = 0; j < k; j++) {
    const capacity = capacities[j] as number;
    while (held < recent.length && heldBytes + (keySizes[recent[held] as number] as number) <= capacity) {
      heldBytes += keySizes[recent[held] as number] as number;
      held++;
    }
    evictions[j] = (misses[j] as number) - held;
    evictedBytes[j] = (missBytes[j] as number) - heldBytes;
  }
  return { misses, missBytes, evictions, evictedBytes };
}
