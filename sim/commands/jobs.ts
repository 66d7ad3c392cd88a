// `--jobs` for the commands that run work on worker threads (sweep, mrc): how many threads at most,
// the machine's cores when not given, and one bound and one message for a bad value.
import os from "node:os";

/** Threads at most, whatever --jobs says. */
export const JOBS_MAX = 256;

/** The thread count --jobs asks for, or the message saying why it is not one (exit 2). */
export function jobsFrom(given: number | undefined): number | string {
  const jobs = given ?? Math.max(1, os.availableParallelism());
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > JOBS_MAX)
    return `--jobs takes a whole number from 1 to ${JOBS_MAX}, found ${given}`;
  return jobs;
}
