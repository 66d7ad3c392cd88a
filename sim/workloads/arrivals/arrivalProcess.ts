// An arrival process decides when a workload issues its requests. Open-loop processes fix the times in
// advance, whatever the system does (requests pile up when it is slow); the closed loop issues a
// client's next request only when its last one has finished. Each process is one file and a line in
// arrivals/registry.ts.
import type { Rng } from "../../core/rng.ts";
import type { Scheduler } from "../../core/scheduler.ts";
import type { Plugin } from "../../plugin/registry.ts";

/** What an arrival process drives: a numbered sequence of requests. */
export interface RequestSource {
  /** How many requests to issue in all; Infinity for no limit but the run's duration. */
  readonly requestsMax: number;
  /**
   * Asked by open-loop processes just before issuing a request: whether another one will follow it (a
   * trace that is about to run out says no, so no arrival is scheduled past its end).
   */
  more?(): boolean;
  /**
   * Issues request number `index` now, and says whether there was one to issue (false: the source has
   * run out). A closed loop passes `done`, which the workload calls once when the request has finished
   * (or was abandoned); open-loop processes pass undefined.
   */
  issue(index: number, done: (() => void) | undefined): boolean;
}

export interface ArrivalDriver {
  /** Schedules the first request(s); each request schedules what follows, so the event queue stays small. */
  start(scheduler: Scheduler, source: RequestSource): void;
}

export interface ArrivalContext {
  /** The workload's `rate` (requests per virtual second over all its nodes), when the process uses one. */
  ratePerSec: number;
  /** The workload's own random streams, by suffix (`arrivals`, `think`, ...). */
  stream(suffix: string): Rng;
}

export interface ArrivalProcess<Options = unknown> extends Plugin<Options, ArrivalContext, ArrivalDriver> {
  /** Whether the workload's `rate:` is this process's rate (open-loop) or must be left out. */
  readonly usesRate: boolean;
  /**
   * The mean number of requests over a run of `durationUs` from time 0, for the load-time check of
   * `limits.requests`; absent when the scenario cannot say (a closed loop follows the system's latency).
   */
  requestsIn?(ratePerSec: number, durationUs: number, options: Options): number;
}

/**
 * The driver of every open-loop process. `advance` moves the exact (fractional) time of one arrival,
 * in `at[0]`, on to the next one (Infinity for none). Times accumulate unrounded and are rounded only
 * when scheduled, so rounding never biases the rate. The next arrival is scheduled before the request
 * is issued, so that it runs before anything the request schedules for the same instant (as it always
 * has).
 *
 * The time stays in the typed-array cell rather than going in and out of `advance` as a number: a
 * fractional number held in a closure variable, or returned from a call V8 does not inline, is a heap
 * object of its own, made once per request.
 */
export function openLoop(advance: (at: Float64Array) => void): ArrivalDriver {
  return {
    start(scheduler, source) {
      const requestsMax = source.requestsMax;
      if (requestsMax <= 0) return;
      let issued = 0;
      const arrivalUs = new Float64Array(1);
      arrivalUs[0] = scheduler.nowUs;
      advance(arrivalUs);
      if (!Number.isFinite(arrivalUs[0])) return;
      const arrive = () => {
        const index = issued++;
        if (issued < requestsMax && (source.more === undefined || source.more())) {
          advance(arrivalUs);
          const nextArrivalUs = arrivalUs[0] as number;
          if (Number.isFinite(nextArrivalUs)) scheduler.at(Math.round(nextArrivalUs), arrive);
        }
        source.issue(index, undefined);
      };
      scheduler.at(Math.round(arrivalUs[0] as number), arrive);
    },
  };
}
