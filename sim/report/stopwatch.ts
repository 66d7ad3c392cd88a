// The one place outside the live adapters that reads the wall clock: to tell the user how long a run
// took. What it measures goes to the console only, never into a report (test/tidy.test.ts holds this).

export class Stopwatch {
  private readonly startedNs = process.hrtime.bigint();

  elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedNs) / 1e9;
  }
}

/**
 * The same clock as a reading in nanoseconds, for a benchmark that times many short calls one by one
 * (`npm run bench -- --stand-ins`), where a Stopwatch per call would weigh on what it measures.
 */
export function clockNs(): bigint {
  return process.hrtime.bigint();
}
