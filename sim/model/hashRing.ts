// Consistent hashing: each shard places `pointsPerShard` points on a 32-bit ring, and a key belongs to
// the first point at or after its own hash. MurmurHash3 (x86, 32-bit) over UTF-8 bytes gives the same
// ring on every platform and Node version.
import murmurhash from "murmurhash";

// The library encodes a string argument with a new TextEncoder and a new buffer on every call; every key's
// first request (and every frequency-sketch update) hashes, so the bytes go into one reused buffer.
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);
/** Views of scratch's first n bytes by n, made once each: a view is an object, and this runs per key. */
let views: Array<Uint8Array | undefined> = [];

export function hash32(text: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > scratch.length) {
    scratch = new Uint8Array(text.length * 3);
    views = [];
  }
  let written = 0;
  // Keys are nearly always ASCII: copy those bytes here rather than cross into the encoder.
  for (; written < text.length; written++) {
    const code = text.charCodeAt(written);
    if (code >= 0x80) {
      written = encoder.encodeInto(text, scratch).written;
      break;
    }
    scratch[written] = code;
  }
  let view = views[written];
  if (view === undefined) {
    view = scratch.subarray(0, written);
    views[written] = view;
  }
  return murmurhash.v3(view, 0) >>> 0;
}

export class HashRing<Shard> {
  private readonly pointHashes: Uint32Array;
  private readonly pointShards: Shard[];

  constructor(
    shards: ReadonlyArray<{ name: string; shard: Shard }>,
    readonly pointsPerShard: number,
  ) {
    if (shards.length === 0) throw new Error("a hash ring needs at least one shard");
    const points: Array<{ hash: number; order: number; shard: Shard }> = [];
    let order = 0;
    for (const { name, shard } of shards) {
      for (let i = 0; i < pointsPerShard; i++)
        points.push({ hash: hash32(`${name}#${i}`), order: order++, shard });
    }
    // Ties between equal hashes go to the point listed first, so the ring never depends on sort stability.
    points.sort((a, b) => a.hash - b.hash || a.order - b.order);
    this.pointHashes = Uint32Array.from(points, (p) => p.hash);
    this.pointShards = points.map((p) => p.shard);
  }

  /** The shard owning a key. */
  lookup(key: string): Shard {
    const h = hash32(key);
    const hashes = this.pointHashes;
    let lo = 0;
    let hi = hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hashes[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    return this.pointShards[lo === hashes.length ? 0 : lo] as Shard;
  }
}
