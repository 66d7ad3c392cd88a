// The values a swept field takes, as written after `--set path=`: a comma-separated list (`1s,5s,30s`,
// `lru,s3fifo`, `0.5,0.9`) or a range. Ranges are computed exactly, by index, in integers:
//   `a..b+step`    a, a+step, a+2*step, ... up to and including b (if a step lands on it)
//   `a..b*factor`  a, a*factor, a*factor^2, ... up to and including b
//   `a..b`         integers only: the same as `a..b+1`
// a and b are both durations (`1s..60s*2`, `10ms..100ms+10ms`) or both plain numbers (`0.5..0.99+0.05`).
// Value i is computed from a and i alone, never by adding to the value before it, so 0.05 steps do not
// drift (0.1 + 0.2 would give 0.30000000000000004); decimals are scaled to integers (BigInt) first.
import { parse as parseYamlScalar } from "yaml";
import { formatDurationUs, parseDuration } from "../spec/duration.ts";

/** One value of a swept field: how it appears in sweep.csv, and what goes into the scenario's YAML tree. */
export interface SweepValue {
  /** The cell in sweep.csv and the label in charts: as written for lists, canonical for ranges. */
  label: string;
  /** Set into the YAML tree before the point is validated. */
  value: unknown;
}

/** Values one field may take at most: a sweep past this is surely a typo (`1us..1h+1us`). */
export const VALUES_PER_FIELD_MAX = 1_000;

export class SweepValueError extends Error {
  override readonly name = "SweepValueError";
}

const DECIMAL_RE = /^[-+]?\d+(?:\.\d+)?$/;
const RANGE_RE = /^(.+?)\.\.(.+?)(?:([+*])(.+))?$/;

/** Parses a values spec; throws SweepValueError with the reason (the caller adds which field). */
export function parseValues(spec: string): SweepValue[] {
  const text = spec.trim();
  if (text === "") throw new SweepValueError("no values: write a list (1s,5s,30s) or a range (1s..60s*2)");
  const range = RANGE_RE.exec(text);
  if (range !== null && !text.includes(",")) {
    const [, from = "", to = "", op, by] = range;
    return rangeValues(from.trim(), to.trim(), op as "+" | "*" | undefined, by?.trim());
  }
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new SweepValueError(
      `empty item in the list ${JSON.stringify(spec)}: values are separated by commas`,
    );
  }
  if (items.length > VALUES_PER_FIELD_MAX) {
    throw new SweepValueError(
      `${items.length} values, more than the ${VALUES_PER_FIELD_MAX} a field may take`,
    );
  }
  return items.map((item) => ({ label: item, value: scalar(item) }));
}

/** A list item as YAML would read it: `5` is a number, `true` a boolean, `1s` and `lru` strings. */
export function scalar(item: string): unknown {
  try {
    const value: unknown = parseYamlScalar(item);
    // Only plain scalars: `[a]` or `{a: 1}` would be a YAML structure, which a comma list cannot hold.
    return value !== null && typeof value === "object" ? item : value;
  } catch {
    return item;
  }
}

function rangeValues(
  from: string,
  to: string,
  op: "+" | "*" | undefined,
  by: string | undefined,
): SweepValue[] {
  const fromUs = parseDuration(from);
  const toUs = parseDuration(to);
  const isDuration = (text: string) => !DECIMAL_RE.test(text);
  if (isDuration(from) || isDuration(to)) {
    if (!fromUs.ok || !toUs.ok) {
      throw new SweepValueError(
        `a range runs between two durations (1s..60s) or two numbers (0.5..0.99), found ${from} and ${to}`,
      );
    }
    return durationRange(fromUs.us, toUs.us, op, by);
  }
  return numberRange(from, to, op, by);
}

function durationRange(fromUs: number, toUs: number, op: "+" | "*" | undefined, by: string | undefined) {
  if (fromUs > toUs) throw new SweepValueError(`a range must not run backwards: ${fromUs}us > ${toUs}us`);
  if (op === undefined || by === undefined) {
    throw new SweepValueError("a duration range needs a step (1s..10s+1s) or a factor (1s..60s*2)");
  }
  const values: number[] = [];
  if (op === "+") {
    const step = parseDuration(by);
    if (!step.ok || step.us <= 0)
      throw new SweepValueError(`the step must be a positive duration, found ${by}`);
    for (let i = 0; fromUs + i * step.us <= toUs; i++) {
      values.push(fromUs + i * step.us);
      checkCount(values.length);
    }
  } else {
    const factor = decimal(by, "the factor");
    if (fromUs <= 0) throw new SweepValueError("a range with a factor must start above 0");
    if (factor.units <= factor.scale) throw new SweepValueError(`the factor must be above 1, found ${by}`);
    // from * factor^i, exact in BigInt, then rounded to whole microseconds (half up).
    for (let i = 0; ; i++) {
      const numerator = BigInt(fromUs) * factor.units ** BigInt(i);
      const denominator = factor.scale ** BigInt(i);
      const us = Number((2n * numerator + denominator) / (2n * denominator));
      if (us > toUs) break;
      if (values.at(-1) !== us) values.push(us);
      checkCount(values.length);
    }
  }
  return values.map((us) => {
    const label = formatDurationUs(us);
    return { label, value: label };
  });
}

function numberRange(from: string, to: string, op: "+" | "*" | undefined, by: string | undefined) {
  const a = decimal(from, "the start");
  const b = decimal(to, "the end");
  // Common scale, so a, b and the step are integers of one unit.
  if (op === "*") {
    if (by === undefined) throw new SweepValueError("missing factor after *");
    const factor = decimal(by, "the factor");
    if (a.units <= 0n) throw new SweepValueError("a range with a factor must start above 0");
    if (factor.units <= factor.scale) throw new SweepValueError(`the factor must be above 1, found ${by}`);
    const values: SweepValue[] = [];
    for (let i = 0; ; i++) {
      // a * factor^i <= b, compared exactly: a.units * f.units^i * b.scale <= b.units * a.scale * f.scale^i
      const num = a.units * factor.units ** BigInt(i);
      const den = a.scale * factor.scale ** BigInt(i);
      if (num * b.scale > b.units * den) break;
      const label = formatRatio(num, den);
      values.push({ label, value: Number(label) });
      checkCount(values.length);
    }
    return values;
  }
  const step =
    op === "+" && by !== undefined
      ? decimal(by, "the step")
      : a.scale === 1n && b.scale === 1n
        ? { units: 1n, scale: 1n }
        : undefined;
  if (step === undefined) {
    throw new SweepValueError("a range of decimals needs a step (0.5..0.99+0.05) or a factor (0.01..1*10)");
  }
  if (step.units <= 0n) throw new SweepValueError(`the step must be above 0, found ${by}`);
  const scale = [a.scale, b.scale, step.scale].reduce((x, y) => (x > y ? x : y));
  const start = (a.units * scale) / a.scale;
  const end = (b.units * scale) / b.scale;
  const stride = (step.units * scale) / step.scale;
  if (start > end) throw new SweepValueError(`a range must not run backwards: ${from} > ${to}`);
  const values: SweepValue[] = [];
  for (let i = 0n; start + i * stride <= end; i++) {
    const label = formatRatio(start + i * stride, scale);
    values.push({ label, value: Number(label) });
    checkCount(values.length);
  }
  return values;
}

function checkCount(count: number): void {
  if (count > VALUES_PER_FIELD_MAX) {
    throw new SweepValueError(
      `the range gives more than the ${VALUES_PER_FIELD_MAX} values a field may take`,
    );
  }
}

/** "0.05" -> { units: 5n, scale: 100n }. */
function decimal(text: string, what: string): { units: bigint; scale: bigint } {
  if (!DECIMAL_RE.test(text))
    throw new SweepValueError(`${what} must be a number, found ${JSON.stringify(text)}`);
  const [whole = "0", fraction = ""] = text.replace(/^\+/, "").split(".");
  return { units: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** Fraction digits kept for a number range with a decimal factor (0.1..1*1.5): past that, rounding. */
const RATIO_DECIMALS = 9;

/** num/den as decimal text without float noise: exact when it terminates within RATIO_DECIMALS places. */
function formatRatio(num: bigint, den: bigint): string {
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const scale = 10n ** BigInt(RATIO_DECIMALS);
  const scaled = (2n * abs * scale + den) / (2n * den);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(RATIO_DECIMALS, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}
