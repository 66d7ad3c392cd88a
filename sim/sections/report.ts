// The `report:` section: how the run's reports are cut.
//
//   report:
//     interval: 1s     # width of one timeseries.csv row (default 1s)
//     trace: auto      # trace.csv: auto (scripted workloads only, the default), always or never
import { choice, duration, strict } from "../plugin/options.ts";
import { formatDurationUs } from "../spec/duration.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { section } from "./section.ts";

export const TRACE_MODES = ["auto", "always", "never"] as const;

export interface ReportSpec {
  /** Width of one timeseries.csv row, in virtual microseconds. */
  intervalUs: number;
  /** Write trace.csv: "auto" writes it for scripted workloads only. */
  trace: (typeof TRACE_MODES)[number];
}

export const REPORT_DEFAULTS: Readonly<ReportSpec> = Object.freeze({
  /** One timeseries row per virtual second reads well for the default 60s run (60 rows). */
  intervalUs: 1_000_000,
  trace: "auto",
});

export const reportSection = section({
  field: "report",
  schema: strict({
    interval: duration({ positive: true }).optional(),
    trace: choice(TRACE_MODES).optional(),
  }),
  resolve(input, check): ReportSpec {
    const report: ReportSpec = {
      intervalUs: input?.interval ?? REPORT_DEFAULTS.intervalUs,
      trace: check.overrides.trace ?? input?.trace ?? REPORT_DEFAULTS.trace,
    };
    // Each interval is a row per node plus a total row.
    const rowsPerInterval = check.nodes.length + 1;
    const { durationUs } = check;
    if (Math.ceil(durationUs / report.intervalUs) * rowsPerInterval > LIMITS.timeseriesRows) {
      const minUs = Math.ceil(durationUs / Math.floor(LIMITS.timeseriesRows / rowsPerInterval));
      check.expect(
        ["report", "interval"],
        `an interval of at least ${formatDurationUs(minUs)} (at most ${formatCount(LIMITS.timeseriesRows)} timeseries rows, ${formatCount(rowsPerInterval)} per interval, over the ${formatDurationUs(durationUs)} run)`,
      );
    }
    return report;
  },
});
