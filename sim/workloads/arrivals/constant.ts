// A metronome: one request every 1/rate exactly (rounded to the microsecond only when scheduled).
import { strict } from "../../plugin/options.ts";
import { type ArrivalProcess, openLoop } from "./arrivalProcess.ts";

export const constant: ArrivalProcess = {
  name: "constant",
  summary: "one request every 1/rate exactly (open loop); draws nothing",
  usesRate: true,
  options: strict({}),
  requestsIn: (ratePerSec, durationUs) => (ratePerSec * durationUs) / 1_000_000,
  create({ ratePerSec }) {
    const gapUs = 1_000_000 / ratePerSec;
    return openLoop((at) => {
      at[0] = (at[0] as number) + gapUs;
    });
  },
};
