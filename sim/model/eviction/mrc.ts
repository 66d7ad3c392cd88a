// Miss-ratio curves: each policy's miss ratio at each cache size over one request stream. LRU's whole
// curve comes from one pass (stack distances, valid by entries); every other policy, and LRU by bytes,
// replays the stream once per size. The replays run one after another in this process (see the README
// for why not in a worker pool).
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

export function missRatioCurves(source: RequestSource, options: MrcOptions): MrcRow[] {
  const rows: MrcRow[] = [];
  const emit = (row: MrcRow) => {
    rows.push(row);
    options.onPoint?.(row);
  };
  const needsOracle = options.policies.some((p) => isClairvoyant(p.name));
  const nextAccess = needsOracle ? nextAccessIndexes(source()) : undefined;
  for (const policy of options.policies) {
    const optionsGiven = Object.keys(policy.options as object).length > 0;
    if (policy.name === "lru" && !options.byBytes && !optionsGiven) {
      const distances = stackDistances(source());
      const misses = lruMisses(distances, options.sizes);
      const missBytes = lruMissBytes(distances, options.sizes);
      options.sizes.forEach((size, i) => {
        emit(
          row(
            policy.name,
            size,
            distances.requests,
            misses[i] as number,
            distances.bytes,
            missBytes[i] as number,
          ),
        );
      });
      continue;
    }
    for (const size of options.sizes) emit(replayPoint(source, policy, size, options.byBytes, nextAccess));
  }
  return rows;
}

function replayPoint(
  source: RequestSource,
  policy: PluginChoice,
  size: number,
  byBytes: boolean,
  nextAccess: Float64Array | undefined,
): MrcRow {
  const r = replay(policy, { size, byBytes }, source(), nextAccess ? { nextAccess } : {});
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
