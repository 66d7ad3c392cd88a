// Puts a scenario's faults into a world: makes the fault log (the tiers' and parts' view of faults),
// turns on the tiers' fault paths, and schedules each fault's start and end at its virtual times.
// Without a `faults:` section nothing here runs, and the world keeps its exact fault-free paths.
import type { Tally } from "../model/tally.ts";
import type { World } from "../model/world.ts";
import type { FaultsSpec } from "../spec/types.ts";
import { FaultLog } from "./faultLog.ts";
import { faultKinds } from "./registry.ts";

/**
 * The fault log for a world about to be built, or null when the scenario has no faults section. Call
 * before the world's strategy is composed (parts register crash listeners), and `scheduleFaults` once
 * the world exists.
 */
export function faultLogFor(
  spec: FaultsSpec | null,
  world: Pick<World, "scheduler" | "nodes">,
  intervalUs: number,
): FaultLog | null {
  if (spec === null) return null;
  return new FaultLog(world.scheduler, world.nodes, {
    timeoutUs: spec.timeoutUs,
    readFallback: spec.readFallback,
    staleIfError: spec.staleIfError,
    intervalUs,
  });
}

/** A tally that also counts what the fault log needs (database load per fault window). */
export function observedTally(log: FaultLog | null, tally: Tally): Tally {
  return log === null ? tally : log.observe(tally);
}

/** Turns on the tiers' fault paths and schedules every fault's start and end. */
export function scheduleFaults(spec: FaultsSpec, log: FaultLog, world: World): void {
  world.globalCache.enableFaults(log);
  world.database.enableFaults(log);
  spec.schedule.forEach((choice, i) => {
    const kind = faultKinds.get(choice.kind);
    const fault = kind.create({ world, log, path: `faults.schedule[${i}]` }, choice.options);
    const { atUs, forUs } = choice.options;
    world.scheduler.at(atUs, () => {
      const window = log.faultStarted(kind.name, fault.target);
      fault.start();
      if (forUs !== null) {
        world.scheduler.after(forUs, () => {
          fault.end();
          log.faultEnded(window);
        });
      }
    });
  });
}
