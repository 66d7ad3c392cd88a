// Trace replay: the requests of a trace file, in file order, streamed (a chunk of the file in memory at a
// time, whatever its length). Each request goes to a node by the trace's node column, in turn, or by a
// hash of the key, at the trace's recorded times (scaled by `speed`) or at the times of an arrival
// process (`rate:` / `arrival:`) for traces without times or to replay one at another pace.
//
// Trace keys are names in the system of record like any other: a key that `data` does not hold reads as
// absent (version 0, value null) until the trace writes it; `prefix` lets trace keys match data keys.
import path from "node:path";
import murmurhash from "murmurhash";
import { z } from "zod";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";
import { choice, intIn, numberIn, strict } from "../plugin/options.ts";
import { LIMITS } from "../spec/limits.ts";
import type { ArrivalDriver } from "./arrivals/arrivalProcess.ts";
import { arrivalProcesses } from "./arrivals/registry.ts";
import { arrivalField, checkRate, keyPrefix, valueSizeField } from "./generatorSpec.ts";
import { type PluginValue, pluginField, pluginOptions } from "./pluginField.ts";
import { valueSizes } from "./sizes/sizes.ts";
import { sizedValue, type ValueSizer } from "./sizes/valueSize.ts";
import { formatByExtension, traceFormats } from "./trace/formats.ts";
import { openByteSource } from "./trace/openByteSource.ts";
import { traceError } from "./trace/traceError.ts";
import type { RecordReader } from "./trace/traceFormat.ts";
import type { Workload, WorkloadContext, WorkloadKind } from "./workload.ts";

const SPREADS = ["column", "round-robin", "hash"] as const;
const TIME_UNITS = { s: 1_000_000, ms: 1_000, us: 1, ns: 0.001 } as const;
type TimeUnit = keyof typeof TIME_UNITS;

export interface TraceSpec {
  file: string;
  /** `{ format, ...its options }`; null: by the file's extension, with the format's defaults. */
  format: ({ format: string } & PluginValue) | null;
  prefix: string;
  /** Unit of recorded times; null: the format's own (seconds for oracleGeneral, microseconds for CSV). */
  timeUnit: TimeUnit | null;
  /** Replay speed: 2 replays recorded times twice as fast. */
  speed: number;
  /** An arrival process to replay at instead of the recorded times, or null. */
  arrival: ({ process: string } & PluginValue) | null;
  ratePerSec: number;
  /** null: by the trace's node column when it has one, else round-robin. */
  spread: (typeof SPREADS)[number] | null;
  /** Stop after this many requests; 0: the whole trace. */
  requests: number;
  valueSize: ({ dist: string } & PluginValue) | null;
}

const fileError = `expected the trace file's path (relative to the scenario file), at most ${LIMITS.textChars} characters`;

const options = strict({
  file: z
    .string({ error: fileError })
    .min(1, { error: fileError })
    .max(LIMITS.textChars, { error: fileError }),
  format: pluginField(traceFormats).optional(),
  prefix: keyPrefix.optional(),
  timeUnit: choice(Object.keys(TIME_UNITS) as TimeUnit[]).optional(),
  speed: numberIn(0, 1e9, { minExclusive: true }).optional(),
  rate: numberIn(0, LIMITS.ratePerSec, { minExclusive: true }).optional(),
  arrival: arrivalField.optional(),
  spread: choice(SPREADS).optional(),
  requests: intIn(0, LIMITS.requests).optional(),
  valueSize: valueSizeField.optional(),
}).transform((o, ctx): TraceSpec => {
  const arrival =
    o.arrival !== undefined
      ? (o.arrival as TraceSpec["arrival"])
      : o.rate !== undefined
        ? { process: "poisson" }
        : null;
  if (arrival !== null) checkRate(o.rate, arrival as PluginValue, ctx);
  if (arrival !== null && (o.timeUnit !== undefined || o.speed !== undefined)) {
    ctx.addIssue({
      code: "custom",
      message: "no `timeUnit:` or `speed:` when an arrival process sets the times",
      input: o.timeUnit ?? o.speed,
      path: [o.timeUnit !== undefined ? "timeUnit" : "speed"],
    });
  }
  return {
    file: o.file,
    format: (o.format as TraceSpec["format"] | undefined) ?? null,
    prefix: o.prefix ?? "",
    timeUnit: o.timeUnit ?? null,
    speed: o.speed ?? 1,
    arrival,
    ratePerSec: o.rate ?? 0,
    spread: o.spread ?? null,
    requests: o.requests ?? 0,
    valueSize: (o.valueSize as TraceSpec["valueSize"] | undefined) ?? null,
  };
});

export function openTrace(file: string, spec: Pick<TraceSpec, "format">): RecordReader {
  const chosen = spec.format ?? { format: formatByExtension(file) };
  const format = pluginOptions(chosen, "format");
  const plugin = traceFormats.get(format.name);
  const parsedOptions = spec.format === null ? plugin.options.parse({}) : format.options;
  const bytes = openByteSource(file);
  try {
    return plugin.create({ file, bytes }, parsedOptions);
  } catch (error) {
    bytes.close();
    throw error;
  }
}

class TraceWorkload implements Workload {
  constructor(
    private readonly nodeNames: readonly string[],
    private readonly file: string,
    private readonly spec: TraceSpec,
  ) {}

  start({ scheduler, strategy, nodesByName, rng, streamPrefix, oracle }: WorkloadContext): void {
    const { spec, file } = this;
    const nodes = this.nodeNames.map((name) => nodesByName.get(name) as SimNode);
    const reader = openTrace(file, spec);
    const spread = spec.spread ?? (reader.hasNodes ? "column" : "round-robin");
    if (spread === "column" && !reader.hasNodes) {
      reader.close();
      throw traceError(file, "", "`spread: column` needs a node column, and this trace has none");
    }
    if (spec.arrival === null && !reader.hasTimes) {
      reader.close();
      throw traceError(
        file,
        "",
        "the trace has no times: give the workload a `rate:` (and an `arrival:` process if not Poisson)",
      );
    }
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const stream = (suffix: string) => rng.stream(`${streamPrefix}:${suffix}`);
    let sizer: ValueSizer | null = null;
    if (spec.valueSize !== null) {
      const size = pluginOptions(spec.valueSize, "dist");
      sizer = valueSizes.get(size.name).create({ rng: stream("sizes") }, size.options);
    }
    const requestsMax = spec.requests > 0 ? spec.requests : Number.POSITIVE_INFINITY;
    const prefix = spec.prefix;
    let writesIssued = 0;

    // The record to issue next, copied out of the reader (which reuses its record object).
    const where = reader.unit;
    let has = false;
    let pTime = 0;
    let pId = -1;
    let pKey = "";
    let pWrite = false;
    let pSize = -1;
    let pNode: string | null = null;
    let pAt = 0;
    let lastTime = Number.NEGATIVE_INFINITY;
    let read = 0;
    const advance = () => {
      const r = read < requestsMax ? reader.next() : null;
      if (r === null) {
        has = false;
        reader.close();
        return;
      }
      read++;
      if (spec.arrival === null) {
        if (r.time < lastTime) {
          throw traceError(
            file,
            `${where} ${r.at}`,
            `time ${r.time} is before the previous request's ${lastTime} (a trace must be in time order)`,
          );
        }
        lastTime = r.time;
      }
      has = true;
      pTime = r.time;
      pId = r.id;
      if (r.id < 0) pKey = r.key;
      pWrite = r.write;
      pSize = r.size;
      pNode = r.node;
      pAt = r.at;
    };

    // The record being issued, taken from the look-ahead one so the next can be read first.
    let cId = -1;
    let cKey = "";
    let cWrite = false;
    let cSize = -1;
    let cNode: string | null = null;
    let cAt = 0;
    const take = () => {
      cId = pId;
      cKey = pKey;
      cWrite = pWrite;
      cSize = pSize;
      cNode = pNode;
      cAt = pAt;
      advance();
    };
    // Keys that are small numbers (most traces' keys) are looked up in an array by value, which spares
    // making a string and hashing it into the oracle's map for every request (measured: that lookup was
    // the largest single cost of a replay). A key is one Key whichever way it is named.
    const byId: Array<Key | undefined> = [];
    const keyOfId = (id: number): Key => {
      let key = byId[id];
      if (key === undefined) {
        key = oracle.key(prefix + String(id));
        // Filled up to id rather than assigned past the end, which keeps the array's fast elements.
        while (byId.length < id) byId.push(undefined);
        byId[id] = key;
      }
      return key;
    };
    let turn = 0;
    const issueTaken = (done: (() => void) | undefined) => {
      let node: SimNode;
      if (spread === "column") {
        const named = byName.get(cNode as string);
        if (named === undefined) {
          throw traceError(
            file,
            `${where} ${cAt}`,
            `node "${cNode}" is not one this workload drives (${[...byName.keys()].join(", ")})`,
          );
        }
        node = named;
      } else if (spread === "hash") {
        const name = cId >= 0 ? String(cId) : cKey;
        node = nodes[(murmurhash.v3(name, 0) >>> 0) % nodes.length] as SimNode;
      } else node = nodes[turn++ % nodes.length] as SimNode;
      const key = cId >= 0 ? keyOfId(cId) : oracle.key(prefix + cKey);
      if (!cWrite) {
        strategy.read(node, key, done);
        return;
      }
      const tag = `${node.name}#${++writesIssued}`;
      const value =
        sizer !== null ? sizedValue(tag, sizer.next()) : cSize >= 0 ? sizedValue(tag, cSize) : tag;
      strategy.write(node, key, value, done);
    };

    advance();
    if (!has) return;
    if (spec.arrival !== null) {
      // The record to issue is taken ahead, so that `more` can say whether another follows it.
      take();
      let taken = true;
      const arrival = pluginOptions(spec.arrival, "process");
      const driver: ArrivalDriver = arrivalProcesses
        .get(arrival.name)
        .create({ ratePerSec: spec.ratePerSec, stream }, arrival.options);
      driver.start(scheduler, {
        requestsMax,
        more: () => has,
        issue(_index, done) {
          if (!taken) return false;
          issueTaken(done);
          if (has) take();
          else taken = false;
          return true;
        },
      });
      return;
    }
    // Recorded times: the first request at the workload's start, the others at their offsets from it.
    const startUs = scheduler.nowUs;
    const firstTime = pTime;
    const unit =
      spec.timeUnit ?? traceFormats.get(spec.format?.format ?? formatByExtension(file)).timeUnitDefault;
    const usPerUnit = TIME_UNITS[unit] / spec.speed;
    const step = () => {
      take();
      // The next request is scheduled before this one is issued, so it runs before anything this one
      // schedules for the same instant.
      if (has) scheduler.at(startUs + Math.round((pTime - firstTime) * usPerUnit), step);
      issueTaken(undefined);
    };
    scheduler.at(startUs, step);
  }
}

export const traceKind: WorkloadKind<TraceSpec> = {
  name: "trace",
  summary: "replays a trace file (text, CSV, oracleGeneral; .gz/.zst/.xz) at its recorded times or a rate",
  options: options as unknown as z.ZodType<TraceSpec>,
  create({ nodes, baseDir }, spec) {
    // Messages name the file relative to the working folder when it is below it, as a user would.
    const resolved = path.resolve(baseDir, spec.file);
    const shown = path.relative(process.cwd(), resolved);
    return new TraceWorkload(nodes, shown === "" || shown.startsWith("..") ? resolved : shown, spec);
  },
  requestsMax: (spec) => (spec.requests > 0 ? spec.requests : undefined),
  // The file's length is known only once it has been read.
  requestsExpected: (spec) => (spec.requests > 0 ? spec.requests : undefined),
};
