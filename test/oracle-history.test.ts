// Guards the oracle's commit history (sim/model/commitLog.ts): every version of every key answers the
// exact time it was committed, however the keys' writes interleave, as segments fill, move to larger
// ones, are reused from the free lists and outgrow a shared chunk; the write-behind reservations the
// oracle keeps beside its keys; and the fill range's array of Keys, which a workload may share and the
// next run may take over, emptied, while runs are kept for the runs after them.
import { describe, expect, it } from "vitest";
import { keepBetweenRuns } from "../sim/core/betweenRuns.ts";
import { CommitLog, NO_SEGMENT } from "../sim/model/commitLog.ts";
import { Oracle } from "../sim/model/oracle.ts";

/** A small deterministic generator (the test's own; the simulation's streams are not needed here). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("commit log", () => {
  it("gives back every time appended, key by key, under interleaved writes", () => {
    const log = new CommitLog();
    const keys = 2000;
    const address = new Array<number>(keys).fill(NO_SEGMENT);
    const times: number[][] = Array.from({ length: keys }, () => []);
    const next = lcg(7);
    let now = 1;
    for (let i = 0; i < 60_000; i++) {
      // Skewed towards the first keys, so some segments grow large while most stay small.
      const k = Math.floor(keys * next() ** 4);
      now += 1 + Math.floor(next() * 5);
      address[k] = log.append(address[k] as number, (times[k] as number[]).length, now);
      (times[k] as number[]).push(now);
    }
    for (let k = 0; k < keys; k++) {
      const got = (times[k] as number[]).map((_, i) => log.at(address[k] as number, i));
      expect(got).toEqual(times[k]);
    }
    expect(Math.max(...times.map((t) => t.length))).toBeGreaterThan(2 ** 12);
  });

  it("keeps a segment larger than a shared chunk in a chunk of its own", () => {
    const log = new CommitLog();
    const small = log.append(NO_SEGMENT, 0, 5);
    let big = NO_SEGMENT;
    const count = (1 << 16) + 3;
    for (let i = 0; i < count; i++) big = log.append(big, i, 10 + i);
    for (const i of [0, 1, 65_535, 65_536, count - 1]) expect(log.at(big, i)).toBe(10 + i);
    expect(log.at(small, 0)).toBe(5);
  });

  it("starts a segment with time 0 for a key that held a seeded version", () => {
    const log = new CommitLog();
    const at = log.append(NO_SEGMENT, 1, 42);
    expect([log.at(at, 0), log.at(at, 1)]).toEqual([0, 42]);
  });
});

describe("oracle history", () => {
  it("answers commit and supersede times for seeded, filled and unseeded keys", () => {
    const oracle = new Oracle({ prefix: "key:", count: 10, value: "v" });
    oracle.seed("given", "g");
    const filled = oracle.key("key:3");
    const given = oracle.key("given");
    const fresh = oracle.key("fresh");
    expect([filled.version, given.version, fresh.version]).toEqual([1, 1, 0]);
    expect(oracle.committedAtUs(filled, 1)).toBe(0);
    expect(oracle.supersededAtUs(filled, 1)).toBeUndefined();
    expect(oracle.committedAtUs(fresh, 1)).toBeUndefined();
    oracle.commit(filled, 2, 100, "a");
    oracle.commit(filled, 3, 250, "b");
    oracle.commit(fresh, 1, 0, "c");
    oracle.commit(fresh, 2, 0, "d");
    oracle.commit(given, 2, 7, "e");
    expect([1, 2, 3].map((v) => oracle.committedAtUs(filled, v))).toEqual([0, 100, 250]);
    expect([1, 2].map((v) => oracle.supersededAtUs(filled, v))).toEqual([100, 250]);
    expect([1, 2].map((v) => oracle.committedAtUs(fresh, v))).toEqual([0, 0]);
    expect(oracle.supersededAtUs(given, 1)).toBe(7);
    expect(filled.valueNow).toBe("b");
    expect(() => oracle.commit(filled, 5, 300, "x")).toThrow(/version 5 after 3/);
  });

  it("counts reserved versions per key and forgets a key once none is left", () => {
    const oracle = new Oracle();
    const a = oracle.key("a");
    const b = oracle.key("b");
    expect(oracle.pending(a)).toBe(0);
    expect([oracle.reserve(a), oracle.reserve(a), oracle.reserve(b)]).toEqual([1, 2, 1]);
    oracle.release(a);
    expect([oracle.pending(a), oracle.pending(b)]).toEqual([1, 1]);
    oracle.release(a);
    oracle.release(b);
    expect([oracle.pending(a), oracle.pending(b)]).toEqual([0, 0]);
  });

  it("shares the fill range's array of Keys only with a workload whose keys all lie in the range", () => {
    const oracle = new Oracle({ prefix: "key:", count: 100, value: "v" });
    const shared = oracle.filledKeysFor("key:", 100);
    expect(shared).not.toBeNull();
    const key = oracle.key("key:42");
    expect(shared?.[42]).toBe(key);
    expect(oracle.filledKeysFor("key:", 50)).toBe(shared);
    expect(oracle.filledKeysFor("key:", 101)).toBeNull();
    expect(oracle.filledKeysFor("user:", 10)).toBeNull();
    expect(new Oracle().filledKeysFor("key:", 1)).toBeNull();
  });

  it("hands the fill range's array to the next oracle of the same count only while runs are kept", () => {
    const fill = { prefix: "key:", count: 100, value: "v" };
    const slotsOf = (oracle: Oracle) => oracle.filledKeysFor("key:", 100);
    // No hold: a retired oracle keeps nothing for later, and every oracle makes its own.
    const alone = new Oracle(fill);
    alone.key("key:7");
    alone.retire();
    expect(slotsOf(new Oracle(fill))).not.toBe(slotsOf(alone));

    const release = keepBetweenRuns();
    const first = new Oracle(fill);
    const firstSlots = slotsOf(first);
    expect(firstSlots).not.toBe(slotsOf(alone));
    const firstKey = first.key("key:7");
    first.retire();
    const second = new Oracle(fill);
    expect(slotsOf(second)).toBe(firstSlots);
    // Emptied: the key is made afresh, not the first run's.
    expect(firstSlots?.[7]).toBeUndefined();
    expect(second.key("key:7")).not.toBe(firstKey);
    second.retire();
    // Another count makes its own; the kept array waits for its own count.
    expect(slotsOf(new Oracle({ ...fill, count: 101 }))).not.toBe(firstSlots);
    release();
    // Released: nothing is kept.
    expect(slotsOf(new Oracle(fill))).not.toBe(firstSlots);
  });
});
