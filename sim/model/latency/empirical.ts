// Measured latencies replayed exactly: what `redis-cli --latency-history` or an APM recorded, as a CSV
// file read when the scenario is loaded (latencyTable.ts: one latency a line, or `value_us,count`), or
// written inline (`values: [200us, 250us]`, `histogram: [[200us, 990], [20ms, 10]]`). Each hop is one
// of the table's latencies, each with probability exactly its count over the total: a uniform whole
// number below the total, drawn from the link's stream, is looked up in the running sums (binary
// search). The whole number is exact too: a draw of 53 bits is taken when it falls below the largest
// multiple of the total that fits, and drawn again otherwise (rarely: at most total / 2^53 of the time).
import { z } from "zod";
import { duration, intIn, list, strict } from "../../plugin/options.ts";
import { inFileIssue } from "../../plugin/scenarioFiles.ts";
import { formatCount } from "../../spec/errors.ts";
import { LIMITS } from "../../spec/limits.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";
import { readLatencyTable, tableOf } from "./latencyTable.ts";

const SOURCES = ["file", "values", "histogram"] as const;
const TWO_53 = 2 ** 53;

const fileName = z
  .string({ error: "expected the name of a CSV file of latencies, such as latencies.csv" })
  .min(1, { error: "expected the name of a CSV file of latencies, such as latencies.csv" })
  .max(4096, { error: "expected the name of a CSV file of latencies, such as latencies.csv" });

const pairError = 'expected a [latency, count] pair such as ["250us", 90]';
const histogramRow = z
  .tuple([duration(), intIn(0, Number.MAX_SAFE_INTEGER)], { error: pairError })
  .describe("a latency and its count");

export const empirical: LatencyModelPlugin<{ valuesUs: number[]; counts: number[] }> = {
  name: "empirical",
  summary: "measured latencies, each as often as measured: a CSV `file`, or `values` / `histogram` inline",
  example: {
    histogram: [
      ["180us", 30],
      ["200us", 120],
      ["220us", 90],
      ["250us", 40],
      ["300us", 15],
      ["1ms", 4],
      ["2.5ms", 1],
    ],
  },
  options: strict({
    file: fileName
      .optional()
      .describe(
        "a CSV of measured latencies, relative to the scenario's folder: a header naming the unit (`latency_us`, `latency_ms`, `latency_s`) and one latency a line, or `value_us,count` rows",
      ),
    values: list(duration(), 1, LIMITS.latencyRows, "latencies")
      .optional()
      .describe("the measured latencies inline, each counted once"),
    histogram: list(histogramRow, 1, LIMITS.latencyRows, "[latency, count] pairs")
      .optional()
      .describe("the measured latencies inline as `[latency, count]` pairs"),
  })
    .superRefine((o, ctx) => {
      const given = SOURCES.filter((s) => o[s] !== undefined);
      if (given.length === 1) return;
      const message =
        given.length === 0
          ? "expected one of the fields file, values or histogram"
          : `expected just one of file, values and histogram, but ${given[0]} is given too`;
      ctx.addIssue({
        code: "custom",
        message,
        path: given.length === 0 ? [] : [given[1] as string],
        input: o,
      });
    })
    .transform((o, ctx) => {
      if (o.values !== undefined) return tableOf(o.values.map((us) => [us, 1] as const));
      if (o.histogram !== undefined) {
        const table = tableOf(o.histogram);
        const total = table.counts.reduce((a, b) => a + b, 0);
        if (table.valuesUs.length > 0 && Number.isSafeInteger(total)) return table;
        const message =
          table.valuesUs.length === 0
            ? "expected at least one latency with a count above 0"
            : `expected counts that add up to at most ${formatCount(Number.MAX_SAFE_INTEGER)}`;
        ctx.addIssue({ code: "custom", message, path: ["histogram"], input: o.histogram });
        return z.NEVER;
      }
      const read = readLatencyTable(o.file as string);
      if (read.ok) return read.table;
      const { expected, at } = read.problem;
      if (at === undefined) ctx.addIssue({ code: "custom", message: `expected ${expected}`, path: ["file"] });
      else ctx.addIssue({ ...inFileIssue(expected, at), path: ["file"] });
      return z.NEVER;
    }),
  create(rng, { valuesUs, counts }) {
    const sums = new Float64Array(counts.length);
    let total = 0;
    counts.forEach((c, i) => {
      total += c;
      sums[i] = total;
    });
    if (valuesUs.length === 1) {
      const only = valuesUs[0] as number;
      return () => only;
    }
    // The largest multiple of the total at most 2^53, computed exactly.
    const accept = Number((2n ** 53n / BigInt(total)) * BigInt(total));
    return () => {
      let k = rng.next() * TWO_53;
      while (k >= accept) k = rng.next() * TWO_53;
      const r = k % total;
      // The first row whose running sum exceeds r.
      let lo = 0;
      let hi = sums.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sums[mid] as number) > r) hi = mid;
        else lo = mid + 1;
      }
      return valuesUs[lo] as number;
    };
  },
};
