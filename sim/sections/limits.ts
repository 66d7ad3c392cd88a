// The `limits:` section: how far a run may go before it is stopped as a mistake.
//
//   limits:
//     events: 100000000      # the run stops with an error past this many events
//     traceRows: 100000      # trace.csv refuses to grow past this many rows
//     requests: 1000000000   # requests of all workloads together, checked when the file is loaded
//
// Each may be raised up to its cap in LIMITS (sim/spec/limits.ts). `limits.traceRows` is checked against
// the workloads by the loader, since whether there is a trace at all is the `report:` section's to say.
import { intIn, strict } from "../plugin/options.ts";
import { formatDurationUs } from "../spec/duration.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { isScript } from "../spec/types.ts";
import { workloadKinds } from "../workloads/kinds.ts";
import { type SectionCheck, type Segment, section } from "./section.ts";

export interface LimitsSpec {
  /** The run stops with an error past this many events. */
  eventsMax: number;
  /** trace.csv refuses to grow past this many rows. */
  traceRowsMax: number;
  /** Requests of all workloads together, as far as the scenario says (checked when it is loaded). */
  requestsMax: number;
}

export const LIMITS_DEFAULTS: Readonly<LimitsSpec> = Object.freeze({
  /** Enough for a minute at ~1M events/s; a typo such as `rate: 1e9` hits this instead of the RAM. */
  eventsMax: 100_000_000,
  /** trace.csv is for reading by eye; 100,000 rows is already more than anyone reads. */
  traceRowsMax: 100_000,
  /**
   * A billion requests take about an hour at the simulator's pace (~300,000 a second): past that a
   * rate or duration is surely a typo (`rate: 1e8` over a minute is six billion), and a run that long
   * can raise it.
   */
  requestsMax: 1_000_000_000,
});

export const limitsSection = section({
  field: "limits",
  schema: strict({
    events: intIn(1, LIMITS.eventsMax).optional(),
    traceRows: intIn(0, LIMITS.traceRowsMax).optional(),
    requests: intIn(1, LIMITS.requests).optional(),
  }),
  resolve(input, check): LimitsSpec {
    const limits: LimitsSpec = {
      eventsMax: input?.events ?? LIMITS_DEFAULTS.eventsMax,
      traceRowsMax: input?.traceRows ?? LIMITS_DEFAULTS.traceRowsMax,
      requestsMax: input?.requests ?? LIMITS_DEFAULTS.requestsMax,
    };
    checkRequests(check, input?.requests !== undefined, limits.requestsMax);
    return limits;
  },
});

/**
 * `limits.requests` against what the workloads will ask for: a script's ops, a generator's count or
 * its rate over the run (the mean, for random arrivals). Workloads that cannot say (a closed loop, a
 * trace read to its end) count nothing here; the run's event limit still bounds them.
 */
function checkRequests(check: SectionCheck, written: boolean, requestsMax: number): void {
  const { durationUs } = check;
  let total = 0;
  for (const [i, w] of check.workloads.entries()) {
    const requests = isScript(w)
      ? w.ops.length
      : workloadKinds.get(w.kind).requestsExpected(w.options, durationUs);
    if (requests === undefined) continue;
    total += requests;
    if (total <= requestsMax) continue;
    const count = formatCount(Math.ceil(total));
    if (written) {
      check.expect(
        ["limits", "requests"],
        `a limit no lower than the ${count} requests the workloads will make`,
      );
      return;
    }
    const expected = `at most ${formatCount(requestsMax)} requests in all workloads (limits.requests; raise it for a longer run)`;
    const field = isScript(w) ? "script" : w.kind;
    const where: Segment[] = ["workloads", i, field];
    const fileValue = (name: string) => check.valueAt([...where, name]);
    if (isScript(w)) check.refuse(where, expected, `${count} ops in all`);
    else if (fileValue("requests") === requests)
      check.refuse([...where, "requests"], expected, `${count} in all`);
    else {
      const rate = fileValue("rate") === undefined ? [] : ["rate"];
      const found = `${count} in all (over the ${formatDurationUs(durationUs)} run at this rate)`;
      check.refuse([...where, ...rate], expected, found);
    }
    return;
  }
}
