// `cachesim mrc <scenario or trace> --sizes …`: the miss-ratio curve of each eviction policy over a
// request stream, printed and written to mrc.csv. The stream is a trace file's requests (read afresh on
// each walk, so any length fits in constant memory) or a scenario's own: its generator workloads' key
// draws (same seed, same named streams as a run), its scripts' keys and its trace workloads' requests,
// workload after workload. Every request, read or write, counts as an access: looked up, and inserted on
// a miss. With --sample or --sample-keys the curves come from a spatial sample of the keys replayed
// against caches scaled by its rate (model/eviction/sampling.ts).
import path from "node:path";
import type * as PiscinaModule from "piscina";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { onFirstUse } from "../core/onFirstUse.ts";
import { MRC_COLUMNS } from "../metrics/columns.ts";
import {
  type MrcRow,
  missRatioCurves,
  missRatioCurvesWith,
  type RequestSource,
  replayCount,
  replayCountMost,
} from "../model/eviction/mrc.ts";
import { queuePolicyOf } from "../model/eviction/replay/densePoints.ts";
import type { DenseRequests } from "../model/eviction/replay/denseRequests.ts";
import {
  SAMPLE_MODULUS,
  type SampleError,
  sampledRows,
  sampledSize,
  sampledSource,
  sampleErrors,
  spatialSampling,
} from "../model/eviction/sampling.ts";
import { checkEvictionChoice, evictionPolicies } from "../model/evictionPolicies.ts";
import { OutputDirError } from "../report/outputDir.ts";
import { openReportFiles } from "../report/reportFiles.ts";
import { renderTable } from "../report/table.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario } from "../scenario/load.ts";
import { ScenarioError } from "../spec/errors.ts";
import { openTrace } from "../workloads/traceWorkload.ts";
import { jobsFrom } from "./jobs.ts";
import {
  denseStream,
  MrcInputError,
  sampledStream,
  samplingForKeys,
  scenarioRequests,
  traceRequests,
  WHOLE_TRACE,
} from "./mrcInput.ts";
import type { MrcPointOutcome, MrcPointTask } from "./mrcPoint.ts";

/** Points on one curve: enough for any curve worth plotting. */
export const MRC_SIZES_MAX = 1_000;
const SIZE_MAX = 1_000_000_000_000;

/** The worker pool is loaded only when replays run on more than one thread. */
const piscina = onFirstUse<typeof PiscinaModule>("piscina");

export const MRC_HEADER: readonly string[] = MRC_COLUMNS.map((c) => c.name);

/** `100,200,500` or `100..1000+100` (from, to, step), or a mix separated by commas. */
export function parseSizes(text: string): number[] {
  const sizes: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = /^(\d+)\.\.(\d+)\+(\d+)$/.exec(part);
    if (range) {
      const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (step < 1 || to < from)
        throw new MrcInputError(`--sizes: "${part}" must read from..to+step with from ≤ to and step ≥ 1`);
      if ((to - from) / step + 1 + sizes.length > MRC_SIZES_MAX)
        throw new MrcInputError(`--sizes: at most ${MRC_SIZES_MAX} sizes`);
      for (let s = from; s <= to; s += step) sizes.push(s);
    } else if (/^\d+$/.test(part)) sizes.push(Number(part));
    else throw new MrcInputError(`--sizes: expected sizes like 100,200 or 100..1000+100, found "${part}"`);
  }
  for (const s of sizes)
    if (s < 1 || s > SIZE_MAX)
      throw new MrcInputError(`--sizes: each size must be from 1 to ${SIZE_MAX}, found ${s}`);
  if (sizes.length > MRC_SIZES_MAX) throw new MrcInputError(`--sizes: at most ${MRC_SIZES_MAX} sizes`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parsePolicies(text: string | undefined): string[] {
  if (text === undefined) return evictionPolicies.names();
  const names = text.split(",").map((p) => p.trim());
  for (const name of names)
    if (!evictionPolicies.has(name))
      throw new MrcInputError(
        `--policies: unknown policy "${name}" (known: ${evictionPolicies.names().join(", ")})`,
      );
  return [...new Set(names)];
}

interface MrcArgs {
  input: string;
  sizes: string;
  policies?: string;
  unit: "entries" | "bytes";
  out?: string;
  jobs?: number;
  html: boolean;
  quiet: boolean;
  sample?: string;
  sampleKeys?: string;
  sampleCheck: boolean;
}

/** What `cachesim mrc` and the library's mrc() compute: the input, checked, and its curves. */
export interface MrcJob {
  /** A scenario (.yaml) or a trace file. */
  input: string;
  sizes: number[];
  policies: string[];
  byBytes: boolean;
  jobs: number;
  /** The report folder; undefined: reports/<name>-mrc; null: mrc.csv kept in memory. */
  outDir: string | null | undefined;
  /** The spatial sampling rate (`--sample`, in (0, 1]); undefined or null: the whole stream. */
  sample?: number | null;
  /**
   * Fixed-size sampling (`--sample-keys`): the rate that keeps at most this many distinct keys, found
   * by a first walk over the stream; not with `sample`.
   */
  sampleKeys?: number | null;
  /** With a sample: also replay the whole stream, and measure the sampled curves' error against it. */
  sampleCheck?: boolean;
}

/** What a sampled curve was made from, and (when checked) how far it lies from the full replay. */
export interface MrcSampleReport {
  rate: number;
  requests: number;
  keys: number;
  streamRequests: number;
  streamKeys: number;
  /** With sampleCheck: each policy's error against the whole stream's curve. */
  errors: SampleError[] | null;
}

export interface MrcOutcome {
  rows: MrcRow[];
  outDir: string | null;
  /** With outDir null: mrc.csv's text. */
  csvText: string | null;
  /** With a sample: what it held, and its error when checked. */
  sample: MrcSampleReport | null;
}

/** `--sample`: a rate above 0 and at most 1, as a fraction (0.01) or a percentage (1%). */
export function parseSampleRate(text: string): number {
  const percent = /^\s*([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*%\s*$/i.exec(text);
  const plain = /^\s*([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*$/i.exec(text);
  const rate = percent ? Number(percent[1]) / 100 : plain ? Number(plain[1]) : Number.NaN;
  if (!(rate > 0 && rate <= 1))
    throw new MrcInputError(`--sample: expected a rate above 0 and at most 1 (0.01, or 1%), found "${text}"`);
  if (spatialSampling(rate).threshold === 0)
    throw new MrcInputError(
      `--sample: ${text} keeps no key; the smallest rate is ${1 / SAMPLE_MODULUS} (rates are counted in millionths)`,
    );
  return rate;
}

/** Most keys a fixed-size sample may hold (the dense stream's limit on requests bounds it anyway). */
export const SAMPLE_KEYS_MAX = 50_000_000;

/** `--sample-keys`: a whole number of keys, from 1 to SAMPLE_KEYS_MAX. */
export function parseSampleKeys(text: string): number {
  const keys = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(keys >= 1 && keys <= SAMPLE_KEYS_MAX))
    throw new MrcInputError(
      `--sample-keys: expected a whole number of keys from 1 to ${SAMPLE_KEYS_MAX}, found "${text}"`,
    );
  return keys;
}

/** Checks the input, replays the curves and writes mrc.csv; nothing is written if any step fails. */
export async function computeMrc(job: MrcJob): Promise<MrcOutcome> {
  const { byBytes, sizes, jobs } = job;
  const policies = job.policies.map((name) => ({ name, options: {} }));
  const isScenario = /\.ya?ml$/i.test(job.input);
  const scenario = isScenario ? loadScenario(job.input, knownNames()) : null;
  // A trace is opened once before anything is written, so a missing or foreign file changes nothing.
  if (scenario === null) openTrace(job.input, WHOLE_TRACE).close();
  const sampleKeys = job.sampleKeys ?? null;
  const sampleRate = job.sample ?? null;
  if (sampleKeys !== null && sampleRate !== null)
    throw new MrcInputError("--sample and --sample-keys both choose the sample: give one");
  if (job.sampleCheck === true && sampleRate === null && sampleKeys === null)
    throw new MrcInputError(
      "--sample-check measures a sampled curve's error: it needs --sample or --sample-keys",
    );
  const source =
    scenario === null ? traceRequests(job.input, WHOLE_TRACE, byBytes) : scenarioRequests(scenario, byBytes);
  const sampling =
    sampleRate !== null
      ? spatialSampling(sampleRate)
      : sampleKeys !== null
        ? samplingForKeys(job.input, scenario, source, byBytes, sampleKeys)
        : null;
  if (sampling !== null && sampling.threshold === 0)
    throw new MrcInputError(
      `--sample-keys ${sampleKeys}: no rate keeps so few keys (several share the lowest hash)`,
    );
  for (const p of policies)
    for (const size of sizes) {
      // A sampled curve replays every size scaled by the rate, and the policy must work there.
      const at = sampling === null ? size : sampledSize(sampling, size);
      const misfit = checkEvictionChoice(p.name, p.options, byBytes ? 0 : at, byBytes ? at : 0);
      const where = at === size ? "" : ` (${at} in the sample at rate ${sampling?.rate})`;
      if (misfit !== null) throw new MrcInputError(`--sizes ${size}${where}: ${misfit}`);
    }
  const name = scenario?.name ?? path.basename(job.input).replace(/\.[^.]*$/, "");
  const outDir = job.outDir === undefined ? path.join("reports", `${name}-mrc`) : job.outDir;
  const output = await openReportFiles(outDir);
  const options = { policies, sizes, byBytes };
  // The threads start before the stream is read, so that their start-up overlaps the reading.
  const threadsMost = Math.min(jobs, replayCountMost(options));
  const pool = threadsMost > 1 ? replayPool(threadsMost) : null;
  const input = path.resolve(job.input);
  const curves = async (
    from: RequestSource,
    curveOptions: typeof options,
    dense: DenseRequests | null,
    names: string[] | null,
  ): Promise<MrcRow[]> =>
    pool === null || Math.min(jobs, replayCount(curveOptions, dense)) <= 1
      ? missRatioCurves(from, curveOptions, dense)
      : await onThreads(pool, input, scenario !== null, from, curveOptions, dense, names);
  const whole = async () =>
    await curves(source, options, denseStream(job.input, scenario, source, policies, byBytes), null);
  try {
    let rows: MrcRow[];
    let sample: MrcSampleReport | null = null;
    if (sampling === null) rows = await whole();
    else {
      const sampled = sampledStream(job.input, scenario, source, byBytes, sampling);
      const scaledSizes = [...new Set(sizes.map((size) => sampledSize(sampling, size)))];
      const scaled = await curves(
        sampledSource(sampled),
        { ...options, sizes: scaledSizes },
        sampled.dense,
        sampled.names,
      );
      rows = sampledRows(sampling, sizes, scaled, {
        requests: sampled.streamRequests,
        bytes: sampled.streamBytes,
      });
      sample = {
        rate: sampling.rate,
        requests: sampled.dense.count,
        keys: sampled.dense.keyCount,
        streamRequests: sampled.streamRequests,
        streamKeys: sampled.streamKeys,
        errors: job.sampleCheck === true ? sampleErrors(rows, await whole()) : null,
      };
    }
    const csv = output.csv("mrc.csv", MRC_HEADER);
    for (const r of rows) csv.writeRow(csvCells(r));
    await csv.close();
    await output.commit();
    return { rows, outDir, csvText: output.texts()?.get("mrc.csv") ?? null, sample };
  } catch (error) {
    await output.abort();
    throw error;
  } finally {
    await pool?.destroy();
  }
}

async function runMrc(args: ArgumentsCamelCase<MrcArgs>): Promise<number> {
  try {
    const sizes = parseSizes(args.sizes);
    const jobs = jobsFrom(args.jobs);
    if (typeof jobs === "string") throw new MrcInputError(jobs);
    const sampleRate = args.sample === undefined ? null : parseSampleRate(args.sample);
    const sampleKeys = args.sampleKeys === undefined ? null : parseSampleKeys(args.sampleKeys);
    const { rows, outDir, sample } = await computeMrc({
      input: args.input,
      sizes,
      policies: parsePolicies(args.policies),
      byBytes: args.unit === "bytes",
      jobs,
      outDir: args.out,
      sample: sampleRate,
      sampleKeys,
      sampleCheck: args.sampleCheck,
    });
    // Always a folder from the command line (--out or the default): only the library keeps mrc.csv in memory.
    if (outDir === null) throw new Error("mrc from the command line had no report folder");
    const written = ["mrc.csv"];
    if (args.html) {
      const { writeHtmlReport } = await import("../report/html/writeReport.ts");
      written.push(...(await writeHtmlReport(outDir)));
    }
    if (!args.quiet) {
      console.log(
        renderTable(
          [
            "policy",
            `size (${args.unit})`,
            "requests",
            "misses",
            "miss ratio",
            "byte miss ratio",
            "evictions",
            "evicted bytes",
            "rejections",
          ],
          rows.map((r) => [
            r.policy,
            r.size,
            r.requests,
            r.misses,
            r.missRatio.toFixed(4),
            r.byteMissRatio.toFixed(4),
            r.evictions,
            r.evictedBytes,
            r.rejections,
          ]),
        ),
      );
      if (sample !== null) for (const line of sampleLines(sample)) console.log(line);
      console.log(`wrote ${written.map((f) => path.join(outDir, f)).join(", ")}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof MrcInputError || error instanceof ScenarioError || error instanceof OutputDirError) {
      console.error(`cachesim mrc: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/**
 * The curves with the replay points on a pool of worker threads (each walks the stream itself, or reads
 * the dense stream, which is shared memory, for LRU and FIFO); the rows, and so mrc.csv, are the same as
 * on one thread.
 */
type ReplayPool = InstanceType<typeof PiscinaModule.Piscina>;

function replayPool(threads: number): ReplayPool {
  return new (piscina().Piscina)({
    filename: new URL("./mrcWorker.js", import.meta.url).href,
    minThreads: 1,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
  });
}

async function onThreads(
  pool: ReplayPool,
  input: string,
  isScenario: boolean,
  source: RequestSource,
  options: Parameters<typeof missRatioCurves>[1],
  dense: DenseRequests | null,
  /** A sample's key names: every point then replays the sample in memory (`dense`). */
  names: string[] | null,
): Promise<MrcRow[]> {
  const run = async (task: MrcPointTask): Promise<MrcPointOutcome> => {
    const outcome = (await pool.run(task)) as MrcPointOutcome;
    if ("inputError" in outcome) throw new MrcInputError(outcome.inputError);
    return outcome;
  };
  const base = { input, isScenario, byBytes: options.byBytes, dense: null, curveSizes: null, names };
  return await missRatioCurvesWith(
    source,
    options,
    async (policy, size) => {
      const task: MrcPointTask = { ...base, policy, size };
      if (dense !== null && (names !== null || queuePolicyOf(policy) !== null)) task.dense = dense;
      return ((await run(task)) as { row: MrcRow }).row;
    },
    dense,
    async (policy) => {
      const task: MrcPointTask = { ...base, policy, size: 0, dense, curveSizes: options.sizes };
      return ((await run(task)) as { rows: MrcRow[] }).rows;
    },
  );
}

/** What a sampled curve says of itself: the rate, what the sample held and, when checked, its error. */
export function sampleLines(sample: MrcSampleReport): string[] {
  const share = (part: number, whole: number) =>
    `${part.toLocaleString("en-US")} of ${whole.toLocaleString("en-US")}`;
  const lines = [
    `sampled: rate ${sample.rate} of the key space (${share(sample.keys, sample.streamKeys)} keys, ${share(sample.requests, sample.streamRequests)} requests); each size replayed at size × ${sample.rate}`,
  ];
  if (sample.errors !== null) {
    lines.push(
      "error against the full replay, over the sizes (miss ratio: mean absolute, largest; byte miss ratio: mean absolute):",
    );
    for (const e of sample.errors)
      lines.push(
        `  ${e.policy}: ${e.missRatioMae.toFixed(4)}, ${e.missRatioMax.toFixed(4)}; ${e.byteMissRatioMae.toFixed(4)}`,
      );
  }
  return lines;
}

export function csvCells(r: MrcRow): (string | number)[] {
  return MRC_COLUMNS.map((c) => c.value(r));
}

/** The command, for one registration line in cli.ts; `setExit` receives the exit code. */
export function mrcCommand(setExit: (code: number) => void): CommandModule<object, MrcArgs> {
  return {
    command: "mrc <input>",
    describe: "miss-ratio curves: each eviction policy's miss ratio at each cache size",
    builder: (y: Argv) =>
      y
        .positional("input", {
          type: "string",
          demandOption: true,
          describe: "scenario file (.yaml) or trace file (text, .csv, .oracleGeneral; .gz/.zst/.xz)",
        })
        .option("sizes", {
          type: "string",
          demandOption: true,
          describe: "cache sizes: 100,200,500 or 100..1000+100 (from..to+step)",
        })
        .option("policies", { type: "string", describe: "comma-separated policies (default: all)" })
        .option("unit", {
          choices: ["entries", "bytes"] as const,
          default: "entries" as const,
          describe: "what a size counts",
        })
        .option("out", { type: "string", describe: "report folder (default: reports/<scenario>-mrc)" })
        .option("jobs", {
          type: "number",
          describe:
            "replays run at once on worker threads (default: the machine's cores); same rows at any value",
        })
        .option("html", {
          type: "boolean",
          default: false,
          describe: "also write report.html with the curves plotted (and each plot as SVG)",
        })
        .option("quiet", {
          type: "boolean",
          default: false,
          describe: "print nothing but errors",
        })
        .option("sample", {
          type: "string",
          describe:
            "replay a spatial sample of the keys at this rate, each cache scaled by it (0.01 or 1%; SHARDS-style); default: the whole stream",
        })
        .option("sample-keys", {
          type: "string",
          describe:
            "fixed-size sampling: the rate that keeps at most this many distinct keys (found by a first pass), instead of --sample",
        })
        .option("sample-check", {
          type: "boolean",
          default: false,
          describe:
            "with --sample or --sample-keys: also replay the whole stream and print the sampled curves' error",
        }) as unknown as Argv<MrcArgs>,
    handler: async (args) => {
      setExit(await runMrc(args));
    },
  };
}
