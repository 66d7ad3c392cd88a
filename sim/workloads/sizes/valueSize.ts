// Value sizes: how many bytes each value a workload writes holds. A written value is the usual tag
// (`node#n`) padded with "." (or cut) to exactly that many bytes, so a cache that counts bytes, a real
// Redis and the system of record all see the size the workload asked for, with no side channel. Without
// a size, values are the bare tags, as they always were. Each distribution is one file and a registry line.
import type { Rng } from "../../core/rng.ts";
import type { Plugin } from "../../plugin/registry.ts";

/** 16 MiB: beyond any cache value worth simulating, and small enough that a few live keys cannot exhaust RAM. */
export const VALUE_BYTES_MAX = 16 * 1024 * 1024;

export interface ValueSizer {
  /** Bytes of the next value written. */
  next(): number;
}

export interface ValueSizeContext {
  /** The workload's `sizes` stream. */
  rng: Rng;
}

export type ValueSize<Options = unknown> = Plugin<Options, ValueSizeContext, ValueSizer>;

/** `tag` padded or cut to exactly `bytes` bytes (tags are ASCII: node names and digits). */
export function sizedValue(tag: string, bytes: number): string {
  if (bytes === tag.length) return tag;
  return bytes > tag.length ? tag + ".".repeat(bytes - tag.length) : tag.slice(0, bytes);
}
