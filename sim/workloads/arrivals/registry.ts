// Arrival processes by the name a workload's `arrival.process` uses.
import { Registry } from "../../plugin/registry.ts";
import type { ArrivalProcess } from "./arrivalProcess.ts";
import { closedLoop } from "./closedLoop.ts";
import { constant } from "./constant.ts";
import { diurnal } from "./diurnal.ts";
import { onOff } from "./onOff.ts";
import { poisson } from "./poisson.ts";
import { schedule } from "./schedule.ts";

export const arrivalProcesses = new Registry<ArrivalProcess>(
  "arrival process",
  [poisson, constant, onOff, schedule, diurnal, closedLoop] as ArrivalProcess[],
  "process",
);
