// Bursts: Poisson arrivals at `rate` for `on`, then silence for `off`, repeating from time 0 (which starts
// an on period). A gap that would end in a silence restarts at the next on period: exact for a Poisson
// process, which has no memory.
import { exponential } from "../../core/distributions.ts";
import { duration, strict } from "../../plugin/options.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

export const onOff: ArrivalProcess<{ on: number; off: number }> = {
  name: "onoff",
  summary: "Poisson at `rate` during `on`, nothing during `off`, repeating (bursts)",
  usesRate: true,
  options: strict({
    on: duration({ positive: true }).describe("length of each burst"),
    off: duration().describe("length of each silence between bursts"),
  }),
  requestsIn(ratePerSec, durationUs, { on, off }) {
    const periodUs = on + off;
    const onUs = Math.floor(durationUs / periodUs) * on + Math.min(on, durationUs % periodUs);
    return (ratePerSec * onUs) / 1_000_000;
  },
  create({ ratePerSec, stream }, { on, off }) {
    const rng = stream("arrivals");
    const meanGapUs = 1_000_000 / ratePerSec;
    const periodUs = on + off;
    return openLoop((at) => {
      let t = at[0] as number;
      for (;;) {
        const periodStartUs = Math.floor(t / periodUs) * periodUs;
        const burstEndUs = periodStartUs + on;
        if (t >= burstEndUs) {
          t = periodStartUs + periodUs;
          continue;
        }
        const candidateUs = t + exponential(rng, meanGapUs);
        if (candidateUs < burstEndUs) {
          at[0] = candidateUs;
          return;
        }
        t = periodStartUs + periodUs;
      }
    });
  },
};
