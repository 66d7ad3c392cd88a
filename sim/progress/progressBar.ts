// Progress on the terminal for long runs and sweeps (cli-progress). It writes to stderr only, only when
// stderr is a terminal and --quiet is off, and it only reads what the run reports: nothing it does can
// change a byte of a report. Rates and the ETA use the wall clock through the console's stopwatch.
import type * as CliProgress from "cli-progress";
import { onFirstUse } from "../core/onFirstUse.ts";
import { Stopwatch } from "../report/stopwatch.ts";
import { formatDurationUs } from "../spec/duration.ts";

/** Loaded only when a bar is shown (a terminal, no --quiet). */
const cliProgress = onFirstUse<typeof CliProgress>("cli-progress");

export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  quiet: boolean;
  /** Default process.stderr; tests pass their own. */
  stream?: ProgressTarget & NodeJS.WritableStream;
}

/** Null when progress must stay silent: --quiet, or stderr is not a terminal (a pipe, a file, CI). */
function barFor(options: ProgressOptions, format: string): CliProgress.SingleBar | null {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true) return null;
  const { SingleBar, Presets } = cliProgress();
  return new SingleBar(
    { stream, format, hideCursor: true, clearOnComplete: true, fps: 5, etaBuffer: 50 },
    Presets.shades_classic,
  );
}

function perSecond(count: number, seconds: number): string {
  if (seconds <= 0) return "-";
  const rate = count / seconds;
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}

/** `cachesim run`: virtual time reached of the scenario's duration, requests done, their rate, ETA. */
export class RunProgress {
  private readonly bar: CliProgress.SingleBar | null;
  private readonly stopwatch = new Stopwatch();

  constructor(
    private readonly durationUs: number,
    options: ProgressOptions,
  ) {
    this.bar = barFor(
      options,
      "run {bar} {percentage}% | virtual {virtual} of {runLength} | {requests} requests, {rate}/s | ETA {eta_formatted}",
    );
    this.bar?.start(durationUs, 0, this.payload(0, 0));
  }

  private payload(virtualUs: number, requests: number) {
    return {
      virtual: formatDurationUs(virtualUs),
      runLength: formatDurationUs(this.durationUs),
      requests,
      rate: perSecond(requests, this.stopwatch.elapsedSeconds()),
    };
  }

  update(virtualUs: number, requests: number): void {
    this.bar?.update(Math.min(virtualUs, this.durationUs), this.payload(virtualUs, requests));
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** `cachesim sweep`: runs done of total, their rate, ETA. */
export class SweepProgress {
  private readonly bar: CliProgress.SingleBar | null;
  private readonly stopwatch = new Stopwatch();

  constructor(total: number, options: ProgressOptions) {
    this.bar = barFor(options, "sweep {bar} {value}/{total} runs | {rate} runs/s | ETA {eta_formatted}");
    this.bar?.start(total, 0, { rate: "-" });
  }

  update(done: number): void {
    this.bar?.update(done, { rate: perSecond(done, this.stopwatch.elapsedSeconds()) });
  }

  stop(): void {
    this.bar?.stop();
  }
}
