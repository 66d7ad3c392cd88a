// LRU and FIFO replayed over dense requests with their queue in typed arrays indexed by key number: no
// key strings, no map, no node objects, so a replay is a few array reads and writes a request. The
// rules are LocalCache's as `replay` drives it, step for step, so the counts are the same exactly:
// - a request whose key is cached is a hit (LRU moves it to the head; FIFO changes nothing); the entry
//   keeps the size it was inserted with, whatever size this request carries;
// - a miss inserts the key at the head with this request's size (its units: 1 by entries, the size
//   by bytes), unless its units exceed the whole capacity (then nothing changes but the rejections);
// - before inserting, entries leave from the tail while the used units plus the newcomer's exceed the
//   capacity; each is an eviction of the bytes it was inserted with.
// A replay deletes nothing and nothing expires, so FIFO's queue only ever loses its oldest entry: a
// ring of key numbers is enough. LRU's needs a doubly linked list.
import type { ReplayResult } from "../replay.ts";
import type { DenseRequests } from "./denseRequests.ts";

export type QueuePolicy = "lru" | "fifo";

export function queueReplay(
  policy: QueuePolicy,
  requests: DenseRequests,
  capacity: number,
  byBytes: boolean,
): ReplayResult {
  const counts =
    policy === "lru" ? lruReplay(requests, capacity, byBytes) : fifoReplay(requests, capacity, byBytes);
  return { requests: requests.count, bytes: requests.bytes, ...counts };
}

type Counts = Omit<ReplayResult, "requests" | "bytes">;

function lruReplay(requests: DenseRequests, capacity: number, byBytes: boolean): Counts {
  const { ids, keySizes, sizes, count } = requests;
  const keys = requests.keyCount;
  // Towards the head (newer) and the tail (older); -1 ends the list.
  const newer = new Int32Array(keys);
  const older = new Int32Array(keys);
  // The bytes an entry was inserted with (its units by bytes; 1 unit by entries); -1 when not cached.
  const held = new Float64Array(keys).fill(-1);
  let head = -1;
  let tail = -1;
  let used = 0;
  let misses = 0;
  let missBytes = 0;
  let evictions = 0;
  let evictedBytes = 0;
  let rejections = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i] as number;
    if ((held[id] as number) >= 0) {
      if (id !== head) {
        // Unlink (it has a newer neighbour, not being the head), then link at the head.
        const o = older[id] as number;
        const n = newer[id] as number;
        if (o === -1) tail = n;
        else newer[o] = n;
        older[n] = o;
        newer[id] = -1;
        older[id] = head;
        newer[head] = id;
        head = id;
      }
      continue;
    }
    const size = (sizes === null ? keySizes[id] : sizes[i]) as number;
    misses++;
    missBytes += size;
    const units = byBytes ? size : 1;
    if (units > capacity) {
      rejections++;
      continue;
    }
    while (used + units > capacity) {
      const victim = tail;
      const victimBytes = held[victim] as number;
      used -= byBytes ? victimBytes : 1;
      evictions++;
      evictedBytes += victimBytes;
      held[victim] = -1;
      tail = newer[victim] as number;
      if (tail === -1) head = -1;
      else older[tail] = -1;
    }
    newer[id] = -1;
    older[id] = head;
    if (head === -1) tail = id;
    else newer[head] = id;
    head = id;
    held[id] = size;
    used += units;
  }
  return { misses, missBytes, evictions, evictedBytes, rejections };
}

function fifoReplay(requests: DenseRequests, capacity: number, byBytes: boolean): Counts {
  const { ids, keySizes, sizes, count } = requests;
  const keys = requests.keyCount;
  // A key is in the queue at most once, so the ring never holds more than every key.
  const ring = new Int32Array(keys);
  // As in lruReplay: the bytes an entry was inserted with, -1 when not cached.
  const held = new Float64Array(keys).fill(-1);
  let oldest = 0;
  let entries = 0;
  let used = 0;
  let misses = 0;
  let missBytes = 0;
  let evictions = 0;
  let evictedBytes = 0;
  let rejections = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i] as number;
    if ((held[id] as number) >= 0) continue;
    const size = (sizes === null ? keySizes[id] : sizes[i]) as number;
    misses++;
    missBytes += size;
    const units = byBytes ? size : 1;
    if (units > capacity) {
      rejections++;
      continue;
    }
    while (used + units > capacity) {
      const victim = ring[oldest] as number;
      const victimBytes = held[victim] as number;
      used -= byBytes ? victimBytes : 1;
      evictions++;
      evictedBytes += victimBytes;
      held[victim] = -1;
      oldest = oldest + 1 === keys ? 0 : oldest + 1;
      entries--;
    }
    let at = oldest + entries;
    if (at >= keys) at -= keys;
    ring[at] = id;
    entries++;
    held[id] = size;
    used += units;
  }
  return { misses, missBytes, evictions, evictedBytes, rejections };
}
