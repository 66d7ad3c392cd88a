// Miss-ratio curves for the library: `cachesim mrc` (sim/commands/mrc.ts), the same stream, policies
// and rows, with mrc.csv kept in memory unless `out` names a folder. Rows are read from mrc.csv's text,
// so a ratio has the CSV's six decimals.
import { readFileSync } from "node:fs";
import path from "node:path";
import { jobsFrom } from "../commands/jobs.ts";
import {
  computeMrc,
  type MrcSampleReport,
  parsePolicies,
  parseSampleKeys,
  parseSampleRate,
  parseSizes,
} from "../commands/mrc.ts";
import { MrcInputError } from "../commands/mrcInput.ts";
import { problemMessage, ScenarioError } from "../spec/errors.ts";
import { csvRows } from "./reportRows.ts";

export interface MrcOptions {
  /** Cache sizes: a list, or the command line's text (`"100,200,500"`, `"100..1000+100"`). */
  sizes: readonly number[] | string;
  /** Eviction policies by name (default: all). */
  policies?: readonly string[];
  /** What a size counts (default: entries). */
  unit?: "entries" | "bytes";
  /** Replays run at once on worker threads (default: the machine's cores); the rows are the same at any. */
  jobs?: number;
  /** Also write mrc.csv into this folder, as `cachesim mrc --out` does. */
  out?: string;
  /** With out: also write report.html with the curves plotted (as `--html`). */
  html?: boolean;
  /** Replay a spatial sample of the keys at this rate, each cache scaled by it (`--sample`: 0.01 or "1%"). */
  sample?: number | string;
  /** Fixed-size sampling: the rate that keeps at most this many distinct keys (`--sample-keys`). */
  sampleKeys?: number;
  /** With sample or sampleKeys: also replay the whole stream and measure the sample's error (`--sample-check`). */
  sampleCheck?: boolean;
}

/** One row of mrc.csv: a policy at a size. */
export interface MrcRow {
  readonly policy: string;
  readonly size: number;
  readonly requests: number;
  readonly misses: number;
  readonly miss_ratio: number;
  readonly byte_miss_ratio: number;
  readonly byte_hit_rate: number;
  readonly evictions: number;
  readonly evicted_bytes: number;
  readonly rejections: number;
  /** 1 for the whole stream; the sampling rate of a sampled curve (the counts are the sample's). */
  readonly sample_rate: number;
}

export interface MrcResult {
  /** mrc.csv, policy by policy, sizes rising. */
  readonly rows: readonly MrcRow[];
  /** mrc.csv's text. */
  readonly csv: string;
  readonly outDir: string | null;
  /** The files written into outDir (none without it). */
  readonly files: readonly string[];
  /** With sample: the rate, what the sample held and (with sampleCheck) each policy's error. */
  readonly sample: MrcSampleReport | null;
}

/**
 * The miss-ratio curve of each policy over a scenario's request stream (a .yaml file) or a trace file.
 * A mistake in the input or the options throws ScenarioError.
 */
export async function mrc(input: string, options: MrcOptions): Promise<MrcResult> {
  if (options.html === true && options.out === undefined) {
    throw new TypeError("mrc: html needs out, the folder to write report.html into");
  }
  let outcome: Awaited<ReturnType<typeof computeMrc>>;
  try {
    const sizes =
      typeof options.sizes === "string" ? parseSizes(options.sizes) : parseSizes(options.sizes.join(","));
    const jobs = jobsFrom(options.jobs);
    if (typeof jobs === "string") throw new MrcInputError(jobs.replace("--jobs", "jobs"));
    outcome = await computeMrc({
      input,
      sizes,
      policies: parsePolicies(options.policies?.join(",")),
      byBytes: options.unit === "bytes",
      jobs,
      outDir: options.out ?? null,
      sample: options.sample === undefined ? null : parseSampleRate(String(options.sample)),
      sampleKeys: options.sampleKeys === undefined ? null : parseSampleKeys(String(options.sampleKeys)),
      sampleCheck: options.sampleCheck === true,
    });
  } catch (error) {
    // The command line's one-line input mistakes, typed as the loader's are.
    if (error instanceof MrcInputError)
      throw new ScenarioError([problemMessage(input, "", undefined, error.message)]);
    throw error;
  }
  const { outDir } = outcome;
  const files = outDir === null ? [] : ["mrc.csv"];
  if (options.html === true && outDir !== null) {
    const { writeHtmlReport } = await import("../report/html/writeReport.ts");
    files.push(...(await writeHtmlReport(outDir)));
  }
  const csv = outcome.csvText ?? readFileSync(path.join(outDir as string, "mrc.csv"), "utf8");
  const rows = csvRows(csv).map(
    (r): MrcRow => ({
      policy: r.policy ?? "",
      size: Number(r.size),
      requests: Number(r.requests),
      misses: Number(r.misses),
      miss_ratio: Number(r.miss_ratio),
      byte_miss_ratio: Number(r.byte_miss_ratio),
      byte_hit_rate: Number(r.byte_hit_rate),
      evictions: Number(r.evictions),
      evicted_bytes: Number(r.evicted_bytes),
      rejections: Number(r.rejections),
      sample_rate: Number(r.sample_rate),
    }),
  );
  return { rows, csv, outDir, files, sample: outcome.sample };
}

export type { MrcSampleReport } from "../commands/mrc.ts";
