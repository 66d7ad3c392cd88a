// A piecewise-constant rate: steps of { for, rate }, run once or repeated (a daily cycle in 24 steps, a
// ramp, a spike). Poisson within each step; a gap that crosses into the next step is redrawn from the
// step's start at the new rate, which is exact for a Poisson process (it has no memory). One draw per
// step crossed, on the workload's arrivals stream.
import { z } from "zod";
import { exponential } from "../../core/distributions.ts";
import { boolean, duration, numberIn, strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

const STEPS_MAX = 10_000;

const step = strict({
  for: duration({ positive: true }).describe("how long the step lasts"),
  rate: numberIn(0, LIMITS.ratePerSec).describe("requests per virtual second during the step (0: silence)"),
});
const stepsError = `expected a list of 1 to ${STEPS_MAX} steps such as { for: 1h, rate: 500 }, at least one with a rate above 0`;

export const schedule: ArrivalProcess<{ steps: Array<{ for: number; rate: number }>; repeat: boolean }> = {
  name: "schedule",
  summary: "Poisson at a rate that changes in steps ({ for, rate }), once or repeated (diurnal cycles)",
  usesRate: false,
  options: strict({
    steps: z
      .array(step, { error: stepsError })
      .min(1, { error: stepsError })
      .max(STEPS_MAX, { error: stepsError })
      .refine((steps) => steps.some((s) => s.rate > 0), { error: stepsError })
      .describe("the rate steps, in order from time 0"),
    repeat: boolean.default(true).describe("start again from the first step after the last one"),
  }),
  requestsIn(_ratePerSec, durationUs, { steps, repeat }) {
    let requests = 0;
    let t = 0;
    const cycleUs = steps.reduce((sum, s) => sum + s.for, 0);
    const cycleRequests = steps.reduce((sum, s) => sum + (s.rate * s.for) / 1_000_000, 0);
    if (repeat) {
      const cycles = Math.floor(durationUs / cycleUs);
      requests += cycles * cycleRequests;
      t = cycles * cycleUs;
    }
    for (const s of steps) {
      if (t >= durationUs) break;
      requests += (s.rate * Math.min(s.for, durationUs - t)) / 1_000_000;
      t += s.for;
    }
    return requests;
  },
  create({ stream }, { steps, repeat }) {
    const rng = stream("arrivals");
    const startsUs: number[] = [];
    let totalUs = 0;
    for (const s of steps) {
      startsUs.push(totalUs);
      totalUs += s.for;
    }
    /** The step that holds time t, as [index, its start, its end] in absolute time; null past the end. */
    const stepAt = (t: number): [number, number, number] | null => {
      const cycles = Math.floor(t / totalUs);
      if (cycles > 0 && !repeat) return null;
      const offsetUs = t - cycles * totalUs;
      let i = startsUs.length - 1;
      while ((startsUs[i] as number) > offsetUs) i--;
      const startUs = cycles * totalUs + (startsUs[i] as number);
      return [i, startUs, startUs + (steps[i] as { for: number }).for];
    };
    return openLoop((arrivalUs) => {
      let t = arrivalUs[0] as number;
      for (;;) {
        const at = stepAt(t);
        if (at === null) {
          arrivalUs[0] = Number.POSITIVE_INFINITY;
          return;
        }
        const [i, , endUs] = at;
        const rate = (steps[i] as { rate: number }).rate;
        if (rate > 0) {
          const candidateUs = t + exponential(rng, 1_000_000 / rate);
          if (candidateUs < endUs) {
            arrivalUs[0] = candidateUs;
            return;
          }
        }
        t = endUs;
      }
    });
  },
};
