// Guards every eviction policy against regressions: its miss count on a small committed synthetic trace
// (test/golden/eviction/trace.txt, made by make-trace.ts) at several sizes, in entries and in bytes,
// must match test/golden/eviction/misses.json (CACHESIM_UPDATE_GOLDEN=1 rewrites it; a size a policy
// refuses, as too small for its queues, has no count). Also checks that the one-pass LRU curve equals
// LRU replayed size by size, and that Belady never misses more than any other policy by entries (it is
// optimal there).
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nextAccessIndexes, type Request, replay } from "../sim/model/eviction/replay.ts";
import { lruMisses, stackDistances } from "../sim/model/eviction/stackDistance.ts";
import { checkEvictionChoice, evictionPolicies } from "../sim/model/evictionPolicies.ts";
import { syntheticTrace } from "./golden/eviction/make-trace.ts";

const TRACE = "test/golden/eviction/trace.txt";
const GOLDEN = "test/golden/eviction/misses.json";
const ENTRY_SIZES = [50, 200, 800];
const BYTE_SIZES = [20_000, 100_000];

const text = readFileSync(TRACE, "utf8");
const requests: Request[] = text
  .trimEnd()
  .split("\n")
  .map((line) => {
    const [key, size] = line.split(" ");
    return { key: key as string, size: Number(size) };
  });
const next = nextAccessIndexes(requests);

/**
 * Whether the policy takes a cache of this size with its default options: one that refuses it (its
 * queues would hold nothing there) has no count at that size, so the golden file has no key for it.
 */
function fits(name: string, size: number, byBytes: boolean): boolean {
  return checkEvictionChoice(name, {}, byBytes ? 0 : size, byBytes ? size : 0) === null;
}

function missesOf(name: string, size: number, byBytes: boolean): number {
  return replay({ name, options: {} }, { size, byBytes }, requests, { nextAccess: next }).misses;
}

describe("eviction golden miss counts", () => {
  it("the committed trace is what make-trace.ts makes", () => {
    expect(text === syntheticTrace()).toBe(true);
  });

  it("every policy misses as often as it did", () => {
    const found: Record<string, Record<string, number>> = {};
    for (const name of evictionPolicies.names()) {
      const row: Record<string, number> = {};
      for (const size of ENTRY_SIZES)
        if (fits(name, size, false)) row[`${size} entries`] = missesOf(name, size, false);
      for (const size of BYTE_SIZES)
        if (fits(name, size, true)) row[`${size} bytes`] = missesOf(name, size, true);
      found[name] = row;
    }
    if (process.env.CACHESIM_UPDATE_GOLDEN === "1")
      writeFileSync(GOLDEN, `${JSON.stringify(found, null, 2)}\n`);
    expect(found).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });

  it("computes LRU's whole curve in one pass, equal to replaying each size", () => {
    const sizes = [1, 7, 50, 200, 800, 5_000];
    const onePass = lruMisses(stackDistances(requests), sizes);
    expect(onePass).toEqual(sizes.map((s) => missesOf("lru", s, false)));
  });

  it("Belady misses no more than any other policy, by entries", () => {
    for (const size of ENTRY_SIZES) {
      const opt = missesOf("belady", size, false);
      for (const name of evictionPolicies.names())
        if (fits(name, size, false))
          expect(opt, `${name} at ${size}`).toBeLessThanOrEqual(missesOf(name, size, false));
    }
  });
});
