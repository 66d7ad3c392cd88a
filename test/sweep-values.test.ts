// Guards how sweep values are written: lists, duration and number ranges computed exactly by index
// (no float drift), and a clear refusal of every malformed spec.
import { describe, expect, it } from "vitest";
import { parseValues, SweepValueError, VALUES_PER_FIELD_MAX } from "../sim/sweep/values.ts";

const labels = (spec: string) => parseValues(spec).map((v) => v.label);
const values = (spec: string) => parseValues(spec).map((v) => v.value);

describe("sweep value lists", () => {
  it("reads each item as YAML would: numbers, booleans, durations and names", () => {
    expect(parseValues("1s, 5s,30s")).toEqual([
      { label: "1s", value: "1s" },
      { label: "5s", value: "5s" },
      { label: "30s", value: "30s" },
    ]);
    expect(values("5,0.5,true,lru")).toEqual([5, 0.5, true, "lru"]);
    expect(values("one")).toEqual(["one"]);
  });

  it("refuses empty specs and empty items", () => {
    expect(() => parseValues("")).toThrow(SweepValueError);
    expect(() => parseValues("1s,,5s")).toThrow(/empty item/);
    expect(() => parseValues("1s,")).toThrow(/empty item/);
  });
});

describe("duration ranges", () => {
  it("multiplies up to and including the end", () => {
    expect(labels("1s..60s*2")).toEqual(["1s", "2s", "4s", "8s", "16s", "32s"]);
    expect(labels("1ms..64ms*2")).toEqual(["1ms", "2ms", "4ms", "8ms", "16ms", "32ms", "64ms"]);
  });

  it("steps by a duration, end included when a step lands on it", () => {
    expect(labels("10ms..50ms+10ms")).toEqual(["10ms", "20ms", "30ms", "40ms", "50ms"]);
    expect(labels("10ms..45ms+10ms")).toEqual(["10ms", "20ms", "30ms", "40ms"]);
    expect(labels("500us..2ms+500us")).toEqual(["500us", "1ms", "1.5ms", "2ms"]);
  });

  it("rounds a fractional factor to whole microseconds and drops repeats", () => {
    expect(labels("1us..4us*1.5")).toEqual(["1us", "2us", "3us"]);
  });

  it("gives one value when start and end are equal", () => {
    expect(labels("5s..5s+1s")).toEqual(["5s"]);
  });

  it("refuses backwards ranges, missing or bad steps and mixed units", () => {
    expect(() => parseValues("60s..1s*2")).toThrow(/backwards/);
    expect(() => parseValues("1s..60s")).toThrow(/needs a step/);
    expect(() => parseValues("1s..60s*1")).toThrow(/above 1/);
    expect(() => parseValues("1s..60s+0s")).toThrow(/positive/);
    expect(() => parseValues("0s..60s*2")).toThrow(/start above 0/);
    expect(() => parseValues("1s..5")).toThrow(/two durations/);
  });
});

describe("number ranges", () => {
  it("steps by index, so 0.05 steps do not drift", () => {
    expect(values("0.5..0.99+0.05")).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    // Adding 0.1 ten times gives 0.9999999999999999; by index it is 1.
    expect(values("0..1+0.1")).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(labels("0.1..0.3+0.1")).toEqual(["0.1", "0.2", "0.3"]);
  });

  it("counts integers without a step, and multiplies exactly", () => {
    expect(values("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(values("2..8+2")).toEqual([2, 4, 6, 8]);
    expect(values("1..1000*10")).toEqual([1, 10, 100, 1000]);
    expect(values("0.001..1*10")).toEqual([0.001, 0.01, 0.1, 1]);
    expect(values("-2..2")).toEqual([-2, -1, 0, 1, 2]);
  });

  it("refuses decimals without a step, zero steps and runaway ranges", () => {
    expect(() => parseValues("0.5..0.9")).toThrow(/needs a step/);
    expect(() => parseValues("1..5+0")).toThrow(/above 0/);
    expect(() => parseValues("1..5+x")).toThrow(/must be a number/);
    expect(() => parseValues(`1..${VALUES_PER_FIELD_MAX + 1}`)).toThrow(/more than/);
    expect(parseValues(`1..${VALUES_PER_FIELD_MAX}`)).toHaveLength(VALUES_PER_FIELD_MAX);
  });
});
