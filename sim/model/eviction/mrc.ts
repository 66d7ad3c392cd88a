// Miss-ratio curves: each policy's miss ratio at each cache size over one request stream. LRU's whole
// curve comes from one pass (stack distances, valid by entries); every other policy, and LRU by bytes,
// replays the stream once per size. The replays run one after another here, or on several threads
// (`cachesim mrc --jobs`), each of which walks the stream itself; either way the rows come out in the
// same order with the same numbers.
import type { PluginChoice } from "../../plugin/registry.ts";
import { isClairvoyant } from "../evictionPolicies.ts";
import { nextAccessIndexes, type Request, replay } from "./replay.ts";
import { lruMissBytes, lruMisses, stackDistances } from "./stackDistance.ts";

export interface MrcRow {
  policy: string;
  size: number;
  requests: number;
  misses: number;
  missRatio: number;
  byteMissRatio: number;
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

/** Whether the policy's whole curve comes from one stack-distance pass (LRU by entries, no options). */
function onePass(policy: PluginChoice, byBytes: boolean): boolean {
  return policy.name === "lru" && !byBytes && Object.keys(policy.options as object).length === 0;
}

/** How many points are replayed (every size of every policy whose curve is not one pass). */
export function replayCount(options: MrcOptions): number {
  return options.policies.filter((p) => !onePass(p, options.byBytes)).length * options.sizes.length;
}

export function missRatioCurves(source: RequestSource, options: MrcOptions): MrcRow[] {
  const rows: MrcRow[] = [];
  const emit = (row: MrcRow) => {
    rows.push(row);
    options.onPoint?.(row);
  };
  const needsOracle = options.policies.some((p) => isClairvoyant(p.name));
  const nextAccess = needsOracle ? nextAccessIndexes(source()) : undefined;
  for (const policy of options.policies) {
    if (onePass(policy, options.byBytes)) {
      for (const r of onePassRows(source, policy, options.sizes)) emit(r);
      continue;
    }
    for (const size of options.sizes) emit(replayPoint(source, policy, size, options.byBytes, nextAccess));
  }
  return rows;
}

/**
 * The same rows as missRatioCurves, with every replay point handed to `runReplay` at once (a pool runs
 * as many at a time as it has threads); one-pass curves are computed here meanwhile. Rows keep the
 * sequential order. A failed point fails the whole: the first failure in that order is thrown.
 */
export async function missRatioCurvesWith(
  source: RequestSource,
  options: MrcOptions,
  runReplay: ReplayRunner,
): Promise<MrcRow[]> {
  const slots: Array<Promise<MrcRow[]> | MrcRow[]> = [];
  for (const policy of options.policies) {
    if (onePass(policy, options.byBytes)) slots.push([]);
    else for (const size of options.sizes) slots.push(runReplay(policy, size).then((r) => [r]));
  }
  // One-pass curves fill their slots while the replays run.
  let slot = 0;
  for (const policy of options.policies) {
    if (onePass(policy, options.byBytes)) slots[slot++] = onePassRows(source, policy, options.sizes);
    else slot += options.sizes.length;
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

function onePassRows(source: RequestSource, policy: PluginChoice, sizes: number[]): MrcRow[] {
  const distances = stackDistances(source());
  const misses = lruMisses(distances, sizes);
  const missBytes = lruMissBytes(distances, sizes);
  return sizes.map((size, i) =>
    row(policy.name, size, distances.requests, misses[i] as number, distances.bytes, missBytes[i] as number),
  );
}

/** One replay point; a clairvoyant policy without next-access information gets it from a pre-pass. */
export function replayPoint(
  source: RequestSource,
  policy: PluginChoice,
  size: number,
  byBytes: boolean,
  nextAccess: Float64Array | undefined,
): MrcRow {
  const future = nextAccess ?? (isClairvoyant(policy.name) ? nextAccessIndexes(source()) : undefined);
  const r = replay(policy, { size, byBytes }, source(), future ? { nextAccess: future } : {});
  return row(policy.name, size, r.requests, r.misses, r.bytes, r.missBytes);
}

function row(
  policy: string,
  size: number,
  requests: number,
  misses: number,
  bytes: number,
  missBytes: number,
): MrcRow {
  return {
    policy,
    size,
    requests,
    misses,
    missRatio: requests === 0 ? 0 : misses / requests,
    byteMissRatio: bytes === 0 ? 0 : missBytes / bytes,
  };
}
