// A trace file's requests read once into dense requests (key numbers and sizes in typed arrays) for
// `cachesim mrc`. The same requests as `traceRequests` walks, the same keys equal and unequal, and the
// same mistakes refused with the same messages, without making a key string for each request: keys the
// reader gives as numbers are numbered through a table indexed by that number, and only named keys go
// through a map. With a sample, only the kept keys' requests are held, each key's hash taken once, at
// its first request.
import { type DenseRequests, DenseRequestsBuilder } from "../model/eviction/replay/denseRequests.ts";
import { KEY_IDS_MAX, keyIdOf } from "../workloads/trace/traceFormat.ts";
import { openTrace, type TraceSpec } from "../workloads/traceWorkload.ts";

/** A spatial sample taken while reading: which keys stay, and what the reading found. */
export interface TraceSample {
  /** Whether the sample keeps a key (asked once per distinct key, with its text as replays name it). */
  keep: (key: string) => boolean;
  /** Filled in: each kept key's text by its number. */
  names: string[];
  /** Filled in: the whole trace's requests, distinct keys and bytes. */
  streamRequests: number;
  streamKeys: number;
  streamBytes: number;
}

/** A key that was seen and left out of the sample. */
const DROPPED = -2;

export interface DenseTraceLimits {
  /** Requests at most; one more is refused with `tooLong`. */
  requestsMax: number;
  tooLong: (file: string) => Error;
  noSize: (file: string, unit: string, at: number) => Error;
}

/**
 * The trace's requests held densely; null when there are more than the dense stream holds (the caller
 * then walks the file for each replay).
 */
export function denseTraceRequests(
  file: string,
  spec: Pick<TraceSpec, "format" | "prefix" | "requests">,
  byBytes: boolean,
  limits: DenseTraceLimits,
  sample: TraceSample | null = null,
): DenseRequests | null {
  const reader = openTrace(file, spec);
  const builder = new DenseRequestsBuilder();
  // The prefix is the same for every request of the trace, so keys compare as the reader gives them.
  const byId = new Int32Array(KEY_IDS_MAX).fill(-1);
  const byName = new Map<string, number>();
  let n = 0;
  try {
    for (let r = reader.next(); r !== null; r = reader.next()) {
      if (spec.requests > 0 && n >= spec.requests) break;
      if (++n > limits.requestsMax) throw limits.tooLong(file);
      if (r.size < 0 && byBytes) throw limits.noSize(file, reader.unit, r.at);
      if (builder.full) return null;
      // A name that reads as a small number is the same key as that number.
      const keyId = r.id >= 0 ? r.id : keyIdOf(r.key);
      let id: number;
      if (keyId >= 0) {
        id = byId[keyId] as number;
        if (id === -1) {
          id = sample === null ? builder.nextKey : sampledId(sample, builder, keyText(spec.prefix, r));
          byId[keyId] = id;
        }
      } else {
        const known = byName.get(r.key);
        if (known === undefined) {
          id = sample === null ? builder.nextKey : sampledId(sample, builder, keyText(spec.prefix, r));
          byName.set(r.key, id);
        } else id = known;
      }
      const size = r.size < 0 ? 1 : r.size;
      if (sample !== null) sample.streamBytes += size;
      if (id === DROPPED) continue;
      builder.add(id, size);
    }
  } finally {
    reader.close();
  }
  if (sample !== null) sample.streamRequests = n;
  return builder.finish();
}

/** A key's text as `traceRequests` names it. */
function keyText(prefix: string, r: { id: number; key: string }): string {
  return prefix + (r.id >= 0 ? String(r.id) : r.key);
}

/** A key seen for the first time: its number in the sample, or DROPPED. */
function sampledId(sample: TraceSample, builder: DenseRequestsBuilder, text: string): number {
  sample.streamKeys++;
  if (!sample.keep(text)) return DROPPED;
  sample.names.push(text);
  return builder.nextKey;
}
