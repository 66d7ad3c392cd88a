// What a thread that runs one run after another (a sweep's points) keeps from one run for the next.
// Set-up that depends only on a run's sizes, such as the Zipf key distribution's table or the oracle's
// slots for the fill range's keys, was otherwise built afresh for every point and left to the collector:
// in a sweep of short points, a large part of each point's time and of its garbage. Outside a hold
// nothing is kept, so a library caller's single run leaves nothing behind. Kept free of any knowledge of
// caches, like the rest of sim/core: a keeper registers how to let go of what it keeps.

let holders = 0;
const letGoes: Array<() => void> = [];

/**
 * Keeps what runs build for the runs after them until the returned release is called (a second call does
 * nothing). Holds may nest; what is kept is let go when the last one is released.
 */
export function keepBetweenRuns(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) for (const letGo of letGoes) letGo();
  };
}

/** Whether something holds (keepBetweenRuns): a keeper keeps only then. */
export function keepingBetweenRuns(): boolean {
  return holders > 0;
}

/** How a keeper drops what it keeps, called when the last hold is released. Registered once, at load. */
export function onLetGo(letGo: () => void): void {
  letGoes.push(letGo);
}

/**
 * One thing a run leaves for the next run in this thread (a store, a table of slots): offered as a run
 * ends, taken as the next one begins. It is kept only while runs are held, and let go (`dispose`) when
 * the last hold is released. Make one per kind of thing, at load.
 */
export class KeptForNextRun<T> {
  private kept: T | null = null;

  constructor(private readonly dispose: (thing: T) => void = () => {}) {
    onLetGo(() => {
      const kept = this.kept;
      this.kept = null;
      if (kept !== null) this.dispose(kept);
    });
  }

  /** What the last run left, if anything (and if `fits` accepts it); it is no longer kept. */
  take(fits?: (thing: T) => boolean): T | null {
    const kept = this.kept;
    if (kept === null || (fits !== undefined && !fits(kept))) return null;
    this.kept = null;
    return kept;
  }

  /**
   * Keeps `thing` for the next run when runs are held, letting go of what was kept before (the newest
   * is the likeliest to fit the next run); says whether it kept it.
   */
  offer(thing: T): boolean {
    if (!keepingBetweenRuns()) return false;
    const before = this.kept;
    this.kept = thing;
    if (before !== null && before !== thing) this.dispose(before);
    return true;
  }
}
