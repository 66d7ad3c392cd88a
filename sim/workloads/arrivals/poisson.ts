// Poisson arrivals: exponential gaps with mean 1/rate, the memoryless arrivals of many independent users.
import { exponential } from "../../core/distributions.ts";
import { strict } from "../../plugin/options.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

export const poisson: ArrivalProcess = {
  name: "poisson",
  summary: "exponential gaps with mean 1/rate (open loop)",
  usesRate: true,
  options: strict({}),
  requestsIn: (ratePerSec, durationUs) => (ratePerSec * durationUs) / 1_000_000,
  create({ ratePerSec, stream }) {
    const rng = stream("arrivals");
    const meanGapUs = 1_000_000 / ratePerSec;
    return openLoop((fromUs) => fromUs + exponential(rng, meanGapUs));
  },
};
