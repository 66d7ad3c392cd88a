// Miss-ratio curves: each policy's miss ratio at each cache size over one request stream. LRU's whole
// curve comes from one pass (stack distances, valid by entries); every other policy, and LRU by bytes,
// replays the stream once per size. The replays run one after another here, or on several threads
// (`cachesim mrc --jobs`), each of which walks the stream itself; either way the rows come out in the
// same order with the same numbers.
//
// When the stream has been read into memory as dense requests (replay/denseRequests.ts), LRU and FIFO
// replay it with typed-array queues, LRU's curve by bytes comes from one pass when that is exact, and
// Belady's next accesses come from key numbers: the same counts, a good deal sooner (replay/densePoints.ts).
import type { PluginChoice } from "../../plugin/registry.ts";
import { isClairvoyant } from "../evictionPolicies.ts";
import { denseNextAccess, densePoint, lruBytesInOnePass, queuePolicyOf } from "./replay/densePoints.ts";
import type { DenseRequests } from "./replay/denseRequests.ts";
import { denseStackDistances, lruByteMisses } from "./replay/denseStackDistance.ts";
import { nextAccessIndexes, type ReplayResult, type Request, replay } from "./replay.ts";
import {
  lruEvictions,
  lruMissBytes,
  lruMisses,
  type StackDistances,
  stackDistances,
} from "./stackDistance.ts";

/** One point of a curve: mrc.csv's row (its columns are declared in sim/metrics/columns.ts). */
export interface MrcRow {
  policy: string;
  size: number;
  requests: number;
  misses: number;
  /** Bytes requested, and of those the missed requests' (the byte ratios' terms). */
  bytes: number;
  missBytes: number;
  missRatio: number;
  byteMissRatio: number;
  /** Bytes of the requests that hit / bytes requested. */
  byteHitRate: number;
  evictions: number;
  evictedBytes: number;
  rejections: number;
  /** The share of keys replayed: 1 for the whole stream, less for a sampled curve (sampling.ts). */
  sampleRate: number;
}

export interface MrcOptions {
  policies: PluginChoice[];
  sizes: number[];
  byBytes: boolean;
  /** Told after each (policy, size) point, for progress. */
  onPoint?: (row: MrcRow) => void;
}

/** A stream that can be walked more than once (each walk gives the same requests). */
export type RequestSource = () => Iterable<Request>;

/** Runs one replay point (policy, size) over the stream, wherever it runs. */
export type ReplayRunner = (policy: PluginChoice, size: number) => Promise<MrcRow>;

/**
 * Whether the policy's whole curve comes from one stack-distance pass (LRU by entries, no options).
 * Over dense requests, only while every key keeps one size and sums are exact (else the evicted bytes
 * depend on each size's own misses, and each size is replayed); a stream walked from its source finds
 * that out in the pass and replays then (see wholeCurveRows).
 */
function onePass(policy: PluginChoice, byBytes: boolean, dense: DenseRequests | null): boolean {
  return (
    policy.name === "lru" &&
    !byBytes &&
    Object.keys(policy.options as object).length === 0 &&
    (dense === null || (dense.sizes === null && dense.sumsExact))
  );
}

/** Whether the policy's whole curve comes from one pass here: by entries, or by bytes over dense requests. */
function wholeCurve(policy: PluginChoice, options: MrcOptions, dense: DenseRequests | null): boolean {
  return (
    onePass(policy, options.byBytes, dense) ||
    (options.byBytes && dense !== null && lruBytesInOnePass(policy, dense, options.sizes))
  );
}

/**
 * How many tasks a pool of threads would run: every size of every policy whose curve is not one pass,
 * and over dense requests the one-pass curves too (they need no walk of the stream on the main thread).
 */
export function replayCount(options: MrcOptions, dense: DenseRequests | null = null): number {
  const whole = options.policies.filter((p) => wholeCurve(p, options, dense)).length;
  const points = (options.policies.length - whole) * options.sizes.length;
  return dense === null ? points : points + whole;
}

/** The most tasks replayCount can give once the stream is read (for sizing a pool before that). */
export function replayCountMost(options: MrcOptions): number {
  // LRU: one task for its whole curve, or one a size when a key's size changes.
  const lru = options.policies.filter((p) => p.name === "lru" && queuePolicyOf(p) !== null).length;
  return replayCount(options) + lru * options.sizes.length;
}

/** A curve computed in one pass over dense requests, wherever it runs. */
export type CurveRunner = (policy: PluginChoice) => Promise<MrcRow[]>;

export function missRatioCurves(
  source: RequestSource,
  options: MrcOptions,
  dense: DenseRequests | null = null,
): MrcRow[] {
  const rows: MrcRow[] = [];
  const emit = (row: MrcRow) => {
    rows.push(row);
    options.onPoint?.(row);
  };
  const needsOracle = options.policies.some((p) => isClairvoyant(p.name));
  const nextAccess = needsOracle ? nextAccessOf(source, dense) : undefined;
  for (const policy of options.policies) {
    if (wholeCurve(policy, options, dense)) {
      for (const r of wholeCurveRows(source, policy, options, dense)) emit(r);
      continue;
    }
    for (const size of options.sizes)
      emit(replayPoint(source, policy, size, options.byBytes, nextAccess, dense));
  }
  return rows;
}

/**
 * The same rows as missRatioCurves, with every replay point handed to `runReplay` at once (a pool runs
 * as many at a time as it has threads); one-pass curves are computed here meanwhile, or over dense
 * requests handed to `runCurve` (the main thread stays free to keep the pool busy). Rows keep the
 * sequential order. A failed point fails the whole: the first failure in that order is thrown.
 */
export async function missRatioCurvesWith(
  source: RequestSource,
  options: MrcOptions,
  runReplay: ReplayRunner,
  dense: DenseRequests | null = null,
  runCurve?: CurveRunner,
): Promise<MrcRow[]> {
  const slots: Array<Promise<MrcRow[]> | MrcRow[]> = [];
  const curvesHere = dense === null || runCurve === undefined;
  for (const policy of options.policies) {
    if (wholeCurve(policy, options, dense)) slots.push(curvesHere ? [] : (runCurve as CurveRunner)(policy));
    else for (const size of options.sizes) slots.push(runReplay(policy, size).then((r) => [r]));
  }
  // One-pass curves fill their slots while the replays run.
  let slot = 0;
  for (const policy of options.policies) {
    if (!wholeCurve(policy, options, dense)) slot += options.sizes.length;
    else if (curvesHere) slots[slot++] = wholeCurveRows(source, policy, options, dense);
    else slot++;
  }
  const settled = await Promise.allSettled(slots);
  const rows: MrcRow[] = [];
  for (const s of settled) {
    if (s.status === "rejected") throw s.reason;
    for (const r of s.value) {
      rows.push(r);
      options.onPoint?.(r);
    }
  }
  return rows;
}

/** A one-pass curve over dense requests (LRU: see wholeCurve), as a pool's thread computes it. */
export function denseCurveRows(policy: PluginChoice, options: MrcOptions, dense: DenseRequests): MrcRow[] {
  const unused: RequestSource = () => {
    throw new Error("a curve over dense requests walks no stream");
  };
  return wholeCurveRows(unused, policy, options, dense);
}

function wholeCurveRows(
  source: RequestSource,
  policy: PluginChoice,
  options: MrcOptions,
  dense: DenseRequests | null,
): MrcRow[] {
  const sizes = options.sizes;
  if (options.byBytes) {
    // Only over dense requests (see wholeCurve).
    const d = dense as DenseRequests;
    const c = lruByteMisses(d, sizes);
    return sizes.map((size, i) =>
      row(policy.name, size, {
        requests: d.count,
        misses: c.misses[i] as number,
        bytes: d.bytes,
        missBytes: c.missBytes[i] as number,
        evictions: c.evictions[i] as number,
        evictedBytes: c.evictedBytes[i] as number,
        rejections: 0, // no object is larger than the smallest size (byteStackApplies)
      }),
    );
  }
  const distances: StackDistances = dense === null ? stackDistances(source()) : denseStackDistances(dense);
  const evicted = lruEvictions(distances, sizes);
  // A key whose size changes: the pass gave the misses, but the evicted bytes need each size's replay.
  if (evicted === null)
    return sizes.map((size) => replayPoint(source, policy, size, false, undefined, dense));
  const misses = lruMisses(distances, sizes);
  const missBytes = lruMissBytes(distances, sizes);
  return sizes.map((size, i) =>
    row(policy.name, size, {
      requests: distances.requests,
      misses: misses[i] as number,
      bytes: distances.bytes,
      missBytes: missBytes[i] as number,
      evictions: evicted.evictions[i] as number,
      evictedBytes: evicted.evictedBytes[i] as number,
      rejections: 0, // every object fits a cache of one entry or more
    }),
  );
}

/** Next-access indexes for the whole stream: from key numbers when the stream is dense. */
function nextAccessOf(source: RequestSource, dense: DenseRequests | null): Float64Array {
  return dense === null ? nextAccessIndexes(source()) : denseNextAccess(dense);
}

/**
 * One replay point; a clairvoyant policy without next-access information gets it from a pre-pass. Over
 * dense requests, LRU and FIFO take their typed-array replay (same counts).
 */
export function replayPoint(
  source: RequestSource,
  policy: PluginChoice,
  size: number,
  byBytes: boolean,
  nextAccess: Float64Array | undefined,
  dense: DenseRequests | null = null,
): MrcRow {
  const fast = dense === null ? null : densePoint(dense, policy, size, byBytes);
  if (fast !== null) return row(policy.name, size, fast);
  const future = nextAccess ?? (isClairvoyant(policy.name) ? nextAccessOf(source, dense) : undefined);
  return row(
    policy.name,
    size,
    replay(policy, { size, byBytes }, source(), future ? { nextAccess: future } : {}),
  );
}

function row(policy: string, size: number, r: ReplayResult): MrcRow {
  const { requests, misses, bytes, missBytes } = r;
  return {
    policy,
    size,
    requests,
    misses,
    bytes,
    missBytes,
    missRatio: requests === 0 ? 0 : misses / requests,
    byteMissRatio: bytes === 0 ? 0 : missBytes / bytes,
    byteHitRate: bytes === 0 ? 0 : (bytes - missBytes) / bytes,
    evictions: r.evictions,
    evictedBytes: r.evictedBytes,
    rejections: r.rejections,
    sampleRate: 1,
  };
}
