// A smooth daily (or any period) cycle: rate(t) = rate × (1 + amplitude × cos(2π (t − peak) / period)),
// so `rate` is the mean, the busiest instant is `peak` into each period and the quietest half a period
// later. Drawn by thinning (Lewis–Shedler): candidates at the peak rate on the arrivals stream, each kept
// with probability rate(t) / peak rate drawn on its own `thinning` stream. Exact for any amplitude.
import { exponential } from "../../core/distributions.ts";
import { duration, numberIn, strict } from "../../plugin/options.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

export const diurnal: ArrivalProcess<{ period: number; amplitude: number; peak: number }> = {
  name: "diurnal",
  summary: "Poisson with a rate that swings round `rate` as a cosine of period `period` (thinning)",
  usesRate: true,
  options: strict({
    period: duration({ positive: true }).default(86_400_000_000).describe("length of one cycle"),
    amplitude: numberIn(0, 1).default(0.5).describe("swing as a fraction of the mean rate (0 to 1)"),
    peak: duration().default(0).describe("time into each cycle at which the rate is highest"),
  }),
  // The integral of rate(t) over [0, duration).
  requestsIn(ratePerSec, durationUs, { period, amplitude, peak }) {
    const omega = (2 * Math.PI) / period;
    const swingUs = (amplitude / omega) * (Math.sin(omega * (durationUs - peak)) + Math.sin(omega * peak));
    return (ratePerSec * (durationUs + swingUs)) / 1_000_000;
  },
  create({ ratePerSec, stream }, { period, amplitude, peak }) {
    const candidates = stream("arrivals");
    const thinning = stream("thinning");
    const peakRate = ratePerSec * (1 + amplitude);
    const meanGapUs = 1_000_000 / peakRate;
    const omega = (2 * Math.PI) / period;
    return openLoop((at) => {
      let t = at[0] as number;
      for (;;) {
        t += exponential(candidates, meanGapUs);
        const keep = (1 + amplitude * Math.cos(omega * (t - peak))) / (1 + amplitude);
        if (thinning.next() < keep) break;
      }
      at[0] = t;
    });
  },
};
