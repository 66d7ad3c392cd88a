// Mean and 95 % confidence interval of one metric over a point's seeds. The interval is Student's t:
// mean ± t(0.975, n-1) · s / √n, with s the sample standard deviation, the usual interval for a mean
// of a few independent runs whose spread is not known in advance.
import type TQuantile from "@stdlib/stats-base-dists-t-quantile";
import { onFirstUse } from "../core/onFirstUse.ts";

const tQuantile = onFirstUse<typeof TQuantile>("@stdlib/stats-base-dists-t-quantile");

export interface MeanCi {
  mean: number;
  /** Half-width of the 95 % interval; undefined with fewer than two values. */
  ci95: number | undefined;
}

/** Undefined when there is no value (a metric with nothing to measure in any seed). */
export function meanCi95(values: readonly number[]): MeanCi | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  // Summed in seed order: the same values always give the same bits.
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  if (n === 1) return { mean, ci95: undefined };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { mean, ci95: tQuantile()(0.975, n - 1) * Math.sqrt(variance / n) };
}

/** A statistic as a report cell: six decimals at most, no trailing zeros (6000, 0.123457). */
export function statCell(value: number | undefined): string {
  if (value === undefined) return "";
  const text = String(Number(value.toFixed(6)));
  return text === "-0" ? "0" : text;
}
