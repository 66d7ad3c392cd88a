// Guards duration parsing and formatting: every accepted form, exact integer microseconds, and refusals.
import { describe, expect, it } from "vitest";
import { DURATION_EXPECTED, durationUs, formatDurationUs, parseDuration } from "../sim/spec/duration.ts";

describe("parseDuration", () => {
  it.each([
    ["250us", 250],
    ["500ms", 500_000],
    ["30s", 30_000_000],
    ["2m", 120_000_000],
    ["1h", 3_600_000_000],
    ["1.5ms", 1_500],
    ["0.1s", 100_000],
    ["0.000001s", 1],
    ["1.50ms", 1_500],
    ["0ms", 0],
    ["0", 0],
    [0, 0],
  ])("reads %j as %i us", (input, us) => {
    expect(parseDuration(input)).toEqual({ ok: true, us });
  });

  it.each([
    "abc",
    "30",
    30,
    1.5,
    "-5s",
    "+5s",
    "1e3ms",
    "5 s",
    "5sec",
    "ms",
    ".5s",
    "",
    null,
    undefined,
    true,
    ["1s"],
  ])("refuses %j with the standard message", (input) => {
    expect(parseDuration(input)).toEqual({ ok: false, expected: DURATION_EXPECTED });
  });

  it("refuses durations finer than a microsecond rather than rounding them", () => {
    const result = parseDuration("1.0005ms");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.expected).toContain("whole number of microseconds");
    expect(parseDuration("0.5us").ok).toBe(false);
  });

  it("refuses durations past the largest exact integer", () => {
    const result = parseDuration("99999999999999999999s");
    expect(result.ok).toBe(false);
  });

  it("the message matches the one users are promised", () => {
    expect(DURATION_EXPECTED).toBe('a duration such as "30s", "500ms" or "250us"');
  });

  it("durationUs throws on a bad literal", () => {
    expect(durationUs("5ms")).toBe(5_000);
    expect(() => durationUs("5 ms" as string)).toThrow(/expected a duration/);
  });
});

describe("formatDurationUs", () => {
  it.each([
    [30_000_000, "30s"],
    [1_500, "1.5ms"],
    [120_000_000, "2m"],
    [90_000_000, "90s"],
    [7_200_000_000, "2h"],
    [250, "250us"],
    [1_000, "1ms"],
    [1_000_001, "1.000001s"],
    [0, "0s"],
    [-1_500, "-1.5ms"],
  ])("renders %i us as %s", (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
  });

  it("round-trips through parseDuration", () => {
    for (const us of [0, 1, 999, 1_001, 12_345_678, 60_000_000, 61_000_000, 3_600_000_001]) {
      expect(parseDuration(formatDurationUs(us))).toEqual({ ok: true, us });
    }
  });
});
