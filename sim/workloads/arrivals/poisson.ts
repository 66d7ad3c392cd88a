// Poisson arrivals: exponential gaps with mean 1/rate, the memoryless arrivals of many independent users.
import { exponentialsInto } from "../../core/distributions.ts";
import { strict } from "../../plugin/options.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

/** Gaps drawn at once; the few past a run's last arrival are drawn for nothing. */
const GAPS_AHEAD = 64;

export const poisson: ArrivalProcess = {
  name: "poisson",
  summary: "exponential gaps with mean 1/rate (open loop)",
  usesRate: true,
  options: strict({}),
  requestsIn: (ratePerSec, durationUs) => (ratePerSec * durationUs) / 1_000_000,
  create({ ratePerSec, stream }) {
    const rng = stream("arrivals");
    const meanGapUs = 1_000_000 / ratePerSec;
    // The gaps are drawn GAPS_AHEAD at a time into a typed array (exponentialsInto), so that none of
    // them is a number returned from a call; the same order from the same stream, which nothing else
    // draws from: the same arrivals as one at a time.
    const gapsUs = new Float64Array(GAPS_AHEAD);
    let next = GAPS_AHEAD;
    return openLoop((at) => {
      if (next === GAPS_AHEAD) {
        exponentialsInto(rng, meanGapUs, gapsUs);
        next = 0;
      }
      at[0] = (at[0] as number) + (gapsUs[next++] as number);
    });
  },
};
