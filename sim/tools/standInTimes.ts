// `npm run bench -- --stand-ins`: how much of a benchmark run goes on inside the two in-process
// stand-ins, ioredis-mock and sql.js. Every command the model issues goes through them, so their time is
// a floor under the run's that no change to the model can lower (the SimPy model of the same world keeps
// its cache and its database in plain dictionaries). Each operation of the two stores' ports is timed on
// the console's clock, the outermost call only (an operation that calls another counts once), and the
// timer's own cost inside each timed call, measured the same way on an empty method, is taken out. An
// operation that answers with a promise is timed until it returns, which is all of it in process.
import { MemoryCacheStore } from "../backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../backends/memoryRecordStore.ts";
import { clockNs } from "../report/stopwatch.ts";

/** The CacheStore and RecordStore operations (sim/model/ports.ts) that reach the stand-ins' data. */
const CACHE_OPERATIONS = ["get", "set", "del", "setIfNewer", "takeLease", "fillLease", "publish"];
const RECORD_OPERATIONS = ["seed", "fill", "read", "write"];
/** Calls of the empty method that measure the timer's own cost. */
const TIMER_CALLS = 200_000;

export interface StandInTally {
  /** e.g. "ioredis-mock get", "sql.js read". */
  operation: string;
  calls: number;
  /** Seconds inside the operation, the timer's own cost taken out. */
  seconds: number;
}

interface Counter {
  operation: string;
  calls: number;
  ns: bigint;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

export class StandInTimes {
  private readonly counters: Counter[] = [];
  private readonly restores: (() => void)[] = [];
  /** Timed calls under way: only the outermost one is timed. */
  private depth = 0;
  /** What the timer adds inside one timed call, in nanoseconds. */
  readonly timerNsPerCall: number;

  /** Starts timing every call into the two stand-ins until stop(). */
  constructor() {
    this.timerNsPerCall = this.measureTimer();
    this.wrapAll(MemoryCacheStore.prototype, CACHE_OPERATIONS, "ioredis-mock");
    this.wrapAll(MemoryRecordStore.prototype, RECORD_OPERATIONS, "sql.js");
  }

  /** Puts the stores' own methods back. */
  stop(): void {
    for (const restore of this.restores.splice(0)) restore();
  }

  /** The operations called at least once, in the order wrapped, the timer's cost taken out. */
  tallies(): StandInTally[] {
    return this.counters
      .filter((c) => c.calls > 0)
      .map((c) => ({
        operation: c.operation,
        calls: c.calls,
        seconds: Math.max(0, (Number(c.ns) - c.calls * this.timerNsPerCall) / 1e9),
      }));
  }

  private wrapAll(prototype: object, names: string[], store: string): void {
    const methods = prototype as Record<string, Method>;
    for (const name of names) {
      const own = methods[name];
      if (typeof own !== "function") throw new Error(`${store} has no operation ${name} to time`);
      const counter = this.counter(`${store} ${name}`);
      methods[name] = this.timed(own, counter);
      this.restores.push(() => {
        methods[name] = own;
      });
    }
  }

  private counter(operation: string): Counter {
    const counter = { operation, calls: 0, ns: 0n };
    this.counters.push(counter);
    return counter;
  }

  private timed(own: Method, counter: Counter): Method {
    const times = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      if (times.depth > 0) return own.apply(this, args);
      times.depth++;
      const startNs = clockNs();
      try {
        return own.apply(this, args);
      } finally {
        counter.ns += clockNs() - startNs;
        counter.calls++;
        times.depth--;
      }
    };
  }

  /** The time a timed empty method reports per call: what timing adds inside every timed call. */
  private measureTimer(): number {
    const counter: Counter = { operation: "empty", calls: 0, ns: 0n };
    const empty = this.timed(() => undefined, counter);
    // Twice, and the second round kept: the first runs while V8 is still compiling the wrapper.
    for (let round = 0; round < 2; round++) {
      counter.calls = 0;
      counter.ns = 0n;
      for (let i = 0; i < TIMER_CALLS; i++) empty.call(null);
    }
    return Number(counter.ns) / counter.calls;
  }
}
