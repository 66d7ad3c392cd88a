// Durations as scenario files write them ("250us", "1.5ms", "30s", "2m") and as messages show them.
// Every duration inside the simulator is an integer number of microseconds, so parsing is exact
// decimal arithmetic: "0.1s" must give 100000, which floating-point multiplication does not promise.

export const DURATION_EXPECTED = 'a duration such as "30s", "500ms" or "250us"';

/** Microseconds per unit, as BigInt so the scaling below stays exact. */
const UNIT_US: Readonly<Record<string, bigint>> = {
  us: 1n,
  ms: 1_000n,
  s: 1_000_000n,
  m: 60_000_000n,
  h: 3_600_000_000n,
};

// Digits with an optional fraction, then a unit; no sign, exponent or inner spaces, so that "1e3ms",
// "-5s" and "5 s" are refused rather than guessed at.
const DURATION_RE = /^(\d+)(?:\.(\d+))?(us|ms|s|m|h)$/;

export type DurationResult = { ok: true; us: number } | { ok: false; expected: string };

/**
 * Parses a duration as written in a scenario file. Accepts a number with a unit (us, ms, s, m, h) and
 * the bare number 0 (0 needs no unit: it is the same in all of them).
 */
export function parseDuration(input: unknown): DurationResult {
  if (input === 0 || input === "0") return { ok: true, us: 0 };
  if (typeof input !== "string") return { ok: false, expected: DURATION_EXPECTED };
  const match = DURATION_RE.exec(input.trim());
  if (!match) return { ok: false, expected: DURATION_EXPECTED };
  const [, whole = "0", fraction = "", unit = "us"] = match;
  const unitUs = UNIT_US[unit] ?? 1n;
  const scaled = BigInt(whole + fraction) * unitUs;
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) {
    return {
      ok: false,
      expected: "a duration that is a whole number of microseconds (1us is the finest step)",
    };
  }
  const us = scaled / divisor;
  if (us > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, expected: `a duration of at most ${formatDurationUs(Number.MAX_SAFE_INTEGER)}` };
  }
  return { ok: true, us: Number(us) };
}

/** Like parseDuration, but throws: for code and tests, where a bad literal is a programming error. */
export function durationUs(input: string | 0): number {
  const result = parseDuration(input);
  if (!result.ok) throw new Error(`expected ${result.expected}, found ${JSON.stringify(input)}`);
  return result.us;
}

/**
 * Renders microseconds the way a scenario file would write them: 30000000 -> "30s", 1500 -> "1.5ms",
 * 120000000 -> "2m", 0 -> "0s". Minutes and hours only when whole, since "1.5m" reads worse than "90s".
 */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us < 0) return `-${formatDurationUs(-us)}`;
  if (us === 0) return "0s";
  if (!Number.isInteger(us)) return `${us}us`;
  if (us % 3_600_000_000 === 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0) return `${us / 60_000_000}m`;
  if (us >= 1_000_000) return `${decimalShift(us, 6)}s`;
  if (us >= 1_000) return `${decimalShift(us, 3)}ms`;
  return `${us}us`;
}

/** us / 10^places as exact decimal text (no float rounding such as 1.0000000000000002). */
function decimalShift(value: number, places: number): string {
  const digits = String(value).padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}
