// Guards what a thread keeps from one run for the next (core/betweenRuns.ts): nothing outside a hold,
// one thing at a time inside it (the newest; the one before let go), taken only when it fits, and let go
// when the last hold is released.
import { describe, expect, it } from "vitest";
import { KeptForNextRun, keepBetweenRuns } from "../sim/core/betweenRuns.ts";

describe("KeptForNextRun", () => {
  it("keeps one thing while runs are held, hands it to a run it fits, and lets go of the rest", () => {
    const disposed: string[] = [];
    const kept = new KeptForNextRun<string>((thing) => disposed.push(thing));
    // No hold: nothing is kept.
    expect(kept.offer("a")).toBe(false);
    expect(kept.take()).toBeNull();

    const release = keepBetweenRuns();
    const inner = keepBetweenRuns();
    expect(kept.offer("b")).toBe(true);
    // A thing that does not fit stays kept for a run it does fit.
    expect(kept.take((thing) => thing === "x")).toBeNull();
    expect(kept.take((thing) => thing === "b")).toBe("b");
    expect(kept.take()).toBeNull();
    // The newest is kept; the one before is let go at once.
    kept.offer("c");
    kept.offer("d");
    expect(disposed).toEqual(["c"]);
    // Holds nest: only the last release lets go.
    inner();
    expect(disposed).toEqual(["c"]);
    release();
    expect(disposed).toEqual(["c", "d"]);
    expect(kept.take()).toBeNull();
    expect(kept.offer("e")).toBe(false);
  });
});
