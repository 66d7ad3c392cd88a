// The request streams `cachesim mrc` replays: a trace file's requests, or a scenario's workloads walked
// without running them. Both the command and its worker threads (mrcPoint.ts) read them from here.
import path from "node:path";
import { RngStreams } from "../core/rng.ts";
import type { RequestSource } from "../model/eviction/mrc.ts";
import { usesDenseRequests } from "../model/eviction/replay/densePoints.ts";
import {
  DENSE_REQUESTS_MAX,
  type DenseRequests,
  DenseRequestsBuilder,
  denseRequestsOf,
} from "../model/eviction/replay/denseRequests.ts";
import type { Request } from "../model/eviction/replay.ts";
import {
  keepsKey,
  keyRemainder,
  type SampledRequests,
  type SpatialSampling,
  samplingOfKeys,
} from "../model/eviction/sampling.ts";
import { isClairvoyant } from "../model/evictionPolicies.ts";
import { valueBytes } from "../model/localCache.ts";
import type { PluginChoice } from "../plugin/registry.ts";
import type { Scenario } from "../sections/registry.ts";
import { isScript } from "../spec/types.ts";
import type { GeneratorSpec } from "../workloads/generatorSpec.ts";
import { keyDistributions } from "../workloads/keys/registry.ts";
import { pluginOptions } from "../workloads/pluginField.ts";
import { valueSizes } from "../workloads/sizes/sizes.ts";
import { openTrace, type TraceSpec } from "../workloads/traceWorkload.ts";
import { denseTraceRequests, type TraceSample } from "./denseTrace.ts";

/** Requests in one stream: enough for any curve worth plotting. */
export const MRC_REQUESTS_MAX = 100_000_000;

/** A mistake in the command line or its input: exit 2, one line. */
export class MrcInputError extends Error {}

type TraceStream = Pick<TraceSpec, "format" | "prefix" | "requests">;

/** A trace file read by its extension (format, compression) with the format's defaults. */
export const WHOLE_TRACE: TraceStream = { format: null, prefix: "", requests: 0 };

/**
 * A trace's requests as (key, size), read from the file afresh on every walk. A record without a size
 * counts as 1 unless sizes are in bytes, which then is an error naming the record.
 */
export function traceRequests(file: string, spec: TraceStream, byBytes: boolean): RequestSource {
  // The same mistakes refused with the same words by denseTraceRequests (see denseStream).
  return function* walk(): Generator<Request> {
    const reader = openTrace(file, spec);
    const request: Request = { key: "", size: 0 };
    let n = 0;
    try {
      for (let r = reader.next(); r !== null; r = reader.next()) {
        if (spec.requests > 0 && n >= spec.requests) break;
        if (++n > MRC_REQUESTS_MAX) throw TRACE_LIMITS.tooLong(file);
        request.key = spec.prefix + (r.id >= 0 ? String(r.id) : r.key);
        if (r.size < 0 && byBytes) throw TRACE_LIMITS.noSize(file, reader.unit, r.at);
        request.size = r.size < 0 ? 1 : r.size;
        yield request;
      }
    } finally {
      reader.close();
    }
  };
}

const TRACE_LIMITS = {
  requestsMax: MRC_REQUESTS_MAX,
  tooLong: (file: string) =>
    new MrcInputError(`${file}: the trace has more than ${MRC_REQUESTS_MAX} requests, mrc's limit`),
  noSize: (file: string, unit: string, at: number) =>
    new MrcInputError(`${file}: ${unit} ${at} has no size; --unit bytes needs sizes`),
};

/**
 * The stream read once into memory (key numbers and sizes), when a policy replays faster that way:
 * LRU, FIFO and Belady. Null otherwise, or when the stream is too long to hold.
 */
export function denseStream(
  input: string,
  scenario: Scenario | null,
  source: RequestSource,
  policies: PluginChoice[],
  byBytes: boolean,
): DenseRequests | null {
  if (!policies.some((p) => usesDenseRequests(p, isClairvoyant(p.name)))) return null;
  return scenario === null
    ? denseTraceRequests(input, WHOLE_TRACE, byBytes, TRACE_LIMITS)
    : denseRequestsOf(source());
}

/**
 * The stream's spatial sample, read once into memory with its keys' text: a trace file read densely
 * (each key hashed once), a scenario's stream walked once.
 */
export function sampledStream(
  input: string,
  scenario: Scenario | null,
  source: RequestSource,
  byBytes: boolean,
  sampling: SpatialSampling,
): SampledRequests {
  if (scenario !== null) return sampleOf(source, sampling);
  const sample = traceSample((key) => keepsKey(sampling, key));
  const dense = denseTraceRequests(input, WHOLE_TRACE, byBytes, TRACE_LIMITS, sample);
  return sampled(dense, sample, sampling);
}

/**
 * Fixed-size sampling: the rate that keeps at most `keys` distinct keys, from one walk over the stream
 * hashing each distinct key (a trace read densely, keeping nothing; a scenario's stream walked).
 */
export function samplingForKeys(
  input: string,
  scenario: Scenario | null,
  source: RequestSource,
  byBytes: boolean,
  keys: number,
): SpatialSampling {
  const remainders: number[] = [];
  const sample = traceSample((key) => {
    remainders.push(keyRemainder(key));
    return false;
  });
  if (scenario === null) denseTraceRequests(input, WHOLE_TRACE, byBytes, TRACE_LIMITS, sample);
  else {
    const seen = new Set<string>();
    for (const { key } of source())
      if (!seen.has(key)) {
        seen.add(key);
        remainders.push(keyRemainder(key));
      }
  }
  return samplingOfKeys(remainders, keys);
}

function traceSample(keep: (key: string) => boolean): TraceSample {
  return {
    keep,
    names: [],
    streamRequests: 0,
    streamKeys: 0,
    streamBytes: 0,
  };
}

function sampled(
  dense: DenseRequests | null,
  sample: TraceSample,
  sampling: SpatialSampling,
): SampledRequests {
  if (dense === null)
    throw new MrcInputError(
      `--sample ${sampling.rate}: the sample holds more than ${DENSE_REQUESTS_MAX} requests; take a lower rate`,
    );
  const { names, streamRequests, streamKeys, streamBytes } = sample;
  return { dense, names, streamRequests, streamKeys, streamBytes };
}

/** The spatial sample of a stream walked as (key, size) strings, read once into memory. */
export function sampleOf(source: RequestSource, sampling: SpatialSampling): SampledRequests {
  const sample = traceSample((key) => keepsKey(sampling, key));
  const builder = new DenseRequestsBuilder();
  const numbers = new Map<string, number>(); // -1: seen, not kept
  let n = 0;
  for (const { key, size } of source()) {
    n++;
    sample.streamBytes += size;
    let id = numbers.get(key);
    if (id === undefined) {
      sample.streamKeys++;
      id = sample.keep(key) ? builder.nextKey : -1;
      if (id >= 0) sample.names.push(key);
      numbers.set(key, id);
    }
    if (id < 0) continue;
    if (builder.full) return sampled(null, sample, sampling);
    builder.add(id, size);
  }
  sample.streamRequests = n;
  return sampled(builder.finish(), sample, sampling);
}

/** The scenario's requests as (key, size), the same every walk. */
export function scenarioRequests(scenario: Scenario, byBytes: boolean): RequestSource {
  let total = 0;
  const traceFile = (spec: TraceSpec) => path.resolve(path.dirname(scenario.file), spec.file);
  scenario.workloads.forEach((w, i) => {
    if (isScript(w)) total += w.ops.length;
    else if (w.kind === "trace")
      total += (w.options as TraceSpec).requests; // 0: counted while read
    else if (w.kind === "generator") {
      const spec = w.options as GeneratorSpec;
      if (spec.requests <= 0)
        throw new MrcInputError(`workloads[${i}]: the generator needs a request count (requests:) for mrc`);
      if (byBytes && spec.valueSize === null)
        throw new MrcInputError(`workloads[${i}]: sizes in bytes need the generator's valueSize`);
      total += spec.requests;
    } else
      throw new MrcInputError(
        `workloads[${i}]: mrc reads generator, script and trace workloads, not ${w.kind}`,
      );
  });
  if (total > MRC_REQUESTS_MAX)
    throw new MrcInputError(`the stream has ${total} requests; mrc takes at most ${MRC_REQUESTS_MAX}`);
  return function* walk(): Generator<Request> {
    const rng = new RngStreams(scenario.seed);
    const request: Request = { key: "", size: 0 };
    for (const [i, w] of scenario.workloads.entries()) {
      if (isScript(w)) {
        const lastSize = new Map<string, number>();
        for (const op of w.ops) {
          if (op.op === "flush") continue;
          request.key = op.key;
          if (op.op === "write") lastSize.set(op.key, valueBytes(op.value));
          request.size = lastSize.get(op.key) ?? 0;
          yield request;
        }
        continue;
      }
      if (w.kind === "trace") {
        const spec = w.options as TraceSpec;
        yield* traceRequests(traceFile(spec), spec, byBytes)();
        continue;
      }
      const spec = w.options as GeneratorSpec;
      const stream = (suffix: string) => rng.stream(`workload[${i}]:${suffix}`);
      const dist = pluginOptions(spec.keys, "dist", ["count", "prefix"]);
      const sampler = keyDistributions
        .get(dist.name)
        .create({ count: spec.keys.count, rng: stream("keys") }, dist.options);
      const sizer =
        spec.valueSize === null
          ? null
          : (() => {
              const size = pluginOptions(spec.valueSize, "dist");
              return valueSizes.get(size.name).create({ rng: stream("sizes") }, size.options);
            })();
      for (let n = 0; n < spec.requests; n++) {
        request.key = `${spec.keys.prefix}${sampler.next()}`;
        request.size = sizer === null ? 1 : sizer.next();
        yield request;
      }
    }
  };
}
