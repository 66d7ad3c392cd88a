// Guards --jobs for the commands that run on worker threads (sweep, mrc): the machine's cores by
// default, and one message for a value that is not a thread count.
import os from "node:os";
import { describe, expect, it } from "vitest";
import { JOBS_MAX, jobsFrom } from "../sim/commands/jobs.ts";

describe("jobsFrom", () => {
  it("takes a whole number from 1 to JOBS_MAX, and the machine's cores when none is given", () => {
    expect(jobsFrom(1)).toBe(1);
    expect(jobsFrom(JOBS_MAX)).toBe(JOBS_MAX);
    expect(jobsFrom(undefined)).toBe(Math.max(1, os.availableParallelism()));
  });

  it("refuses anything else, naming what was given", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, JOBS_MAX + 1])
      expect(jobsFrom(bad)).toBe(`--jobs takes a whole number from 1 to ${JOBS_MAX}, found ${bad}`);
  });
});
