// A local cache's index from key names to its entries: open addressing with linear probing, each slot's
// hash in a typed array beside it, and removal by backward shift (the entries after a removed one move
// back into the gap), so no slot is ever left as a tombstone.
//
// Why not a Map: a cache that is full removes a key for every key it adds, and a Map keeps a removed
// key's slot until the table is rebuilt, which it then is every thousand or so evictions; the old
// table has usually outlived the young generation by then, so a busy cache promoted a table of tens of
// kilobytes to the old generation every few thousand requests (28 MB in a 1,000,000-request run of the
// benchmark world, a third of all it promoted). This table grows when it is half full and is never
// rebuilt otherwise. Comparing the stored hash first also leaves the other entries' key strings unread
// (a lookup reads one string, its own, where a Map compares a candidate's string on a collision).
import type { CacheNode } from "./eviction/policy.ts";

/** Slots of a new table; it doubles when half full. */
const SLOTS_MIN = 16;

/** 32-bit FNV-1a of the name's UTF-16 units, then mixed so that its low bits (the slot) vary. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class EntryIndex {
  private hashes = new Int32Array(SLOTS_MIN);
  private nodes: Array<CacheNode | null> = new Array<CacheNode | null>(SLOTS_MIN).fill(null);
  private mask = SLOTS_MIN - 1;
  /** Entries held. */
  size = 0;

  /** The entry for the name (whose nameHash is `hash`), or undefined. */
  get(name: string, hash: number): CacheNode | undefined {
    const hashes = this.hashes;
    const nodes = this.nodes;
    const mask = this.mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const node = nodes[slot] as CacheNode | null;
      if (node === null) return undefined;
      if (hashes[slot] === hash && node.key === name) return node;
    }
  }

  /** Adds an entry whose name is not held; node.hash must be its name's nameHash. */
  add(node: CacheNode): void {
    if ((this.size + 1) * 2 > this.nodes.length) this.grow();
    this.place(node);
    this.size++;
  }

  /** Removes an entry that is held. */
  remove(node: CacheNode): void {
    const hashes = this.hashes;
    const nodes = this.nodes;
    const mask = this.mask;
    let hole = node.hash & mask;
    while (nodes[hole] !== node) hole = (hole + 1) & mask;
    // Backward shift: an entry further along the run moves into the hole unless its own slot lies
    // after the hole (then it is still reachable from there), until the run ends.
    for (let slot = (hole + 1) & mask; ; slot = (slot + 1) & mask) {
      const next = nodes[slot] as CacheNode | null;
      if (next === null) break;
      const home = (hashes[slot] as number) & mask;
      if (((slot - home) & mask) >= ((slot - hole) & mask)) {
        nodes[hole] = next;
        hashes[hole] = hashes[slot] as number;
        hole = slot;
      }
    }
    nodes[hole] = null;
    this.size--;
  }

  clear(): void {
    this.nodes.fill(null);
    this.size = 0;
  }

  /** The entries, in no particular order. */
  *values(): IterableIterator<CacheNode> {
    for (const node of this.nodes) if (node !== null) yield node;
  }

  private place(node: CacheNode): void {
    const nodes = this.nodes;
    const mask = this.mask;
    let slot = node.hash & mask;
    while (nodes[slot] !== null) slot = (slot + 1) & mask;
    nodes[slot] = node;
    this.hashes[slot] = node.hash;
  }

  private grow(): void {
    const old = this.nodes;
    const slots = old.length * 2;
    this.hashes = new Int32Array(slots);
    this.nodes = new Array<CacheNode | null>(slots).fill(null);
    this.mask = slots - 1;
    for (const node of old) if (node !== null) this.place(node);
  }
}
