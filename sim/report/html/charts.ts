// The charts of the HTML report, as Vega-Lite specs built from a report folder's CSV files. A run gets
// rates, database load and latency over virtual time, the staleness-age distribution and per-node bars;
// a sweep gets every main metric against each swept field (one line per value of another field) and the
// stale-rate vs hit-rate trade-off with each point labelled; miss-ratio curves get the miss ratio and the
// byte miss ratio against cache size, one line per policy.
import type { TopLevelSpec } from "vega-lite";
import { METRIC_COLUMNS } from "../../metrics/columns.ts";
import type { MrcData, RunData, SweepData, Table } from "./reportData.ts";

export interface Chart {
  /** File-name safe: the standalone SVG is chart-<id>.svg. */
  id: string;
  title: string;
  description: string;
  spec: TopLevelSpec;
}

/** Nodes drawn as lines of their own besides the total; more would be a tangle (summary.csv has all). */
const NODES_DRAWN_MAX = 8;
const WIDTH = 420;
const HEIGHT = 220;

const DESCRIPTIONS = new Map(METRIC_COLUMNS.map((c) => [c.name, c.description]));

const num = (cell: string | undefined): number | null =>
  cell === undefined || cell === "" ? null : Number(cell);

function base(title: string): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    title,
    // A fixed font list: the SVG must not depend on what the machine that renders it has installed.
    config: { font: "Helvetica, Arial, sans-serif", view: { stroke: "#ddd" } },
  };
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
}

/** Lines of `value` against a quantitative x, one per series (points drawn while there are few). */
function lines(
  id: string,
  title: string,
  description: string,
  values: Array<Record<string, unknown>>,
  x: { field: string; title: string },
  yTitle: string,
  series: { field: string; title: string; sort: string[] },
  pointsMax: number,
): Chart {
  return {
    id,
    title,
    description,
    spec: {
      ...base(title),
      data: { values },
      mark: { type: "line", point: values.length <= pointsMax },
      encoding: {
        x: { field: x.field, type: "quantitative", title: x.title },
        y: { field: "value", type: "quantitative", title: yTitle },
        color: { field: series.field, type: "nominal", title: series.title, sort: series.sort },
      },
    } as TopLevelSpec,
  };
}

// ---------------------------------------------------------------------------------------------------
// A run

/** The nodes drawn: the total and the first few. */
function drawnNodes(summary: Table): string[] {
  const nodes = summary.rows.map((r) => r.node ?? "").filter((n) => n !== "total");
  return [...nodes.slice(0, NODES_DRAWN_MAX), "total"];
}

function overTime(
  data: RunData,
  id: string,
  title: string,
  description: string,
  value: (row: Record<string, string>) => number | null,
  yTitle: string,
): Chart {
  const nodes = new Set(drawnNodes(data.summary));
  const values = data.timeseries.rows
    .filter((r) => nodes.has(r.node ?? ""))
    .map((r) => ({ time_ms: Number(r.time_us) / 1000, node: r.node, value: value(r) }))
    .filter((v) => v.value !== null);
  const x = { field: "time_ms", title: "virtual time (ms, interval start)" };
  return lines(
    id,
    title,
    description,
    values,
    x,
    yTitle,
    { field: "node", title: "node", sort: [...nodes] },
    60,
  );
}

export function runCharts(data: RunData): Chart[] {
  const charts: Chart[] = [
    overTime(
      data,
      "hit_rate_over_time",
      "Hit rate over virtual time",
      DESCRIPTIONS.get("hit_rate") ?? "",
      (r) => num(r.hit_rate),
      "hit rate",
    ),
    overTime(
      data,
      "stale_rate_over_time",
      "Stale rate over virtual time",
      DESCRIPTIONS.get("stale_rate") ?? "",
      (r) => num(r.stale_rate),
      "stale rate",
    ),
    overTime(
      data,
      "database_load_over_time",
      "Database load over virtual time",
      "operations that reached the system of record in each report interval: db_reads + writes",
      (r) => (num(r.db_reads) ?? 0) + (num(r.writes) ?? 0),
      "database operations per interval",
    ),
  ];

  const percentiles = ["read_latency_p50_us", "read_latency_p95_us", "read_latency_p99_us"].filter((c) =>
    data.timeseries.header.includes(c),
  );
  const latency = data.timeseries.rows
    .filter((r) => r.node === "total")
    .flatMap((r) =>
      percentiles.map((p) => ({
        time_ms: Number(r.time_us) / 1000,
        percentile: p.replace(/^read_latency_|_us$/g, ""),
        value: num(r[p]),
      })),
    )
    .filter((v) => v.value !== null);
  charts.push({
    id: "read_latency_over_time",
    title: "Read latency percentiles over virtual time",
    description: "all nodes together, per report interval, in microseconds",
    spec: {
      ...base("Read latency percentiles over virtual time"),
      data: { values: latency },
      mark: { type: "line", point: latency.length <= 180 },
      encoding: {
        x: { field: "time_ms", type: "quantitative", title: "virtual time (ms, interval start)" },
        y: { field: "value", type: "quantitative", title: "read latency (us)" },
        color: { field: "percentile", type: "nominal", sort: ["p50", "p95", "p99"] },
      },
    } as TopLevelSpec,
  });

  const staleAges = (data.trace?.rows ?? [])
    .filter((r) => r.stale === "true" && r.staleness_age_us !== "")
    .map((r) => ({ age_ms: Number(r.staleness_age_us) / 1000 }));
  if (staleAges.length > 0) {
    charts.push({
      id: "staleness_age",
      title: "Staleness age of stale reads",
      description: "how long before each stale read began its value had been superseded (from trace.csv)",
      spec: {
        ...base("Staleness age of stale reads"),
        data: { values: staleAges },
        mark: "bar",
        encoding: {
          x: { field: "age_ms", type: "quantitative", bin: { maxbins: 30 }, title: "staleness age (ms)" },
          y: { aggregate: "count", type: "quantitative", title: "stale reads" },
        },
      } as TopLevelSpec,
    });
  } else {
    const ages = drawnNodes(data.summary).flatMap((node) => {
      const row = data.summary.rows.find((r) => r.node === node);
      return ["staleness_age_p50_us", "staleness_age_p99_us", "staleness_age_max_us"].map((c) => ({
        node,
        statistic: c.replace(/^staleness_age_|_us$/g, ""),
        age_ms: row === undefined ? null : num(row[c]) === null ? null : (num(row[c]) as number) / 1000,
      }));
    });
    charts.push({
      id: "staleness_age",
      title: "Staleness age of stale reads",
      description:
        "median, 99th percentile and largest staleness age per node (summary.csv; run with --trace for the full distribution)",
      spec: {
        ...base("Staleness age of stale reads"),
        data: { values: ages.filter((a) => a.age_ms !== null) },
        mark: "bar",
        encoding: {
          x: { field: "node", type: "nominal", sort: null, title: "node" },
          xOffset: { field: "statistic", sort: ["p50", "p99", "max"] },
          y: { field: "age_ms", type: "quantitative", title: "staleness age (ms)" },
          color: { field: "statistic", type: "nominal", sort: ["p50", "p99", "max"] },
        },
      } as TopLevelSpec,
    });
  }

  const perNode = data.summary.rows
    .filter((r) => r.node !== "total")
    .slice(0, 64)
    .flatMap((r) => [
      { node: r.node, metric: "hit rate", value: num(r.hit_rate) },
      { node: r.node, metric: "stale rate", value: num(r.stale_rate) },
    ])
    .filter((v) => v.value !== null);
  charts.push({
    id: "per_node",
    title: "Hit rate and stale rate per node",
    description: "over the whole run (summary.csv; the first 64 nodes)",
    spec: {
      ...base("Hit rate and stale rate per node"),
      data: { values: perNode },
      mark: "bar",
      encoding: {
        x: { field: "node", type: "nominal", sort: null },
        xOffset: { field: "metric" },
        y: { field: "value", type: "quantitative", title: "rate", scale: { domain: [0, 1] } },
        color: { field: "metric", type: "nominal" },
      },
    } as TopLevelSpec,
  });
  return charts;
}

// ---------------------------------------------------------------------------------------------------
// A sweep

/** The metrics charted against the swept fields: the console table's, as far as the file has them. */
function sweepMetrics(header: readonly string[]): string[] {
  return METRIC_COLUMNS.filter((c) => c.inTable && header.includes(c.name)).map((c) => c.name);
}

export function sweepCharts(data: SweepData): Chart[] {
  // A field set to one value only (a constant for the whole sweep) makes no axis and no series.
  const varying = data.fields.filter((f) => new Set(data.sweep.rows.map((r) => r[f])).size > 1);
  const fields = varying.length > 0 ? varying : data.fields;
  // With seeds, the means (and their intervals) stand for each point.
  const meanRows = data.stats?.rows.filter((r) => r.stat === "mean") ?? data.sweep.rows;
  const ciRows = data.stats?.rows.filter((r) => r.stat === "ci95") ?? [];
  const charts: Chart[] = [];
  for (const [f, field] of fields.entries()) {
    const other = fields.length > 1 ? (fields[(f + 1) % fields.length] as string) : undefined;
    // With more than two fields, a line's value at x is the mean over the fields not drawn.
    const averaged = fields.length > 2;
    for (const metric of sweepMetrics(data.sweep.header)) {
      const values = meanRows
        .map((r, i) => ({
          x: r[field],
          series: other === undefined ? "" : r[other],
          value: num(r[metric]),
          ci: ciRows.length > 0 && !averaged ? num(ciRows[i]?.[metric]) : null,
        }))
        .filter((v) => v.value !== null)
        .map((v) => ({
          ...v,
          low: v.ci === null ? null : (v.value as number) - v.ci,
          high: v.ci === null ? null : (v.value as number) + v.ci,
        }));
      const title = `${metric} vs ${field}`;
      const color =
        other === undefined ? {} : { color: { field: "series", type: "nominal", title: other, sort: null } };
      const layers: unknown[] = [
        {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "x", type: "ordinal", sort: null, title: field },
            y: { field: "value", type: "quantitative", aggregate: "mean", title: metric },
            ...color,
          },
        },
      ];
      if (values.some((v) => v.low !== null)) {
        layers.push({
          mark: { type: "rule" },
          encoding: {
            x: { field: "x", type: "ordinal", sort: null },
            y: { field: "low", type: "quantitative" },
            y2: { field: "high" },
            ...color,
          },
        });
      }
      charts.push({
        id: slug(`${metric}_vs_${field}`),
        title,
        description:
          `${DESCRIPTIONS.get(metric) ?? metric}` +
          (other === undefined ? "" : `; one line per value of ${other}`) +
          (averaged ? `; averaged over ${fields.filter((x) => x !== field && x !== other).join(", ")}` : "") +
          (data.stats !== null && !averaged
            ? "; mean over seeds, bars: 95 % confidence interval"
            : data.stats !== null
              ? "; mean over seeds"
              : ""),
        spec: { ...base(title), data: { values }, layer: layers } as TopLevelSpec,
      });
    }
  }
  if (data.sweep.header.includes("hit_rate") && data.sweep.header.includes("stale_rate")) {
    const points = meanRows
      .map((r) => ({
        stale_rate: num(r.stale_rate),
        hit_rate: num(r.hit_rate),
        label: fields.map((f) => (fields.length === 1 ? r[f] : `${f.split(".").at(-1)}=${r[f]}`)).join(" "),
      }))
      .filter((p) => p.stale_rate !== null && p.hit_rate !== null);
    charts.push({
      id: "tradeoff_stale_vs_hit",
      title: "Trade-off: stale rate vs hit rate",
      description: "each point of the sweep, labelled with its values: up and to the left is better",
      spec: {
        ...base("Trade-off: stale rate vs hit rate"),
        data: { values: points },
        layer: [
          {
            mark: { type: "point", filled: true, size: 60 },
            encoding: {
              x: { field: "stale_rate", type: "quantitative", title: "stale rate" },
              y: { field: "hit_rate", type: "quantitative", title: "hit rate" },
            },
          },
          {
            mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 10 },
            encoding: {
              x: { field: "stale_rate", type: "quantitative" },
              y: { field: "hit_rate", type: "quantitative" },
              text: { field: "label" },
            },
          },
        ],
      } as TopLevelSpec,
    });
  }
  return charts;
}

// ---------------------------------------------------------------------------------------------------
// Miss-ratio curves

export function mrcCharts(data: MrcData): Chart[] {
  const policies = [...new Set(data.mrc.rows.map((r) => r.policy ?? ""))];
  const curve = (id: string, column: string, title: string, description: string): Chart => {
    const values = data.mrc.rows
      .map((r) => ({ policy: r.policy, size: num(r.size), value: num(r[column]) }))
      .filter((v) => v.size !== null && v.value !== null);
    const x = { field: "size", title: "cache size" };
    const series = { field: "policy", title: "policy", sort: policies };
    return lines(id, title, description, values, x, column.replaceAll("_", " "), series, 200);
  };
  return [
    curve(
      "miss_ratio_vs_size",
      "miss_ratio",
      "Miss ratio vs cache size",
      "misses / requests of each policy at each size (mrc.csv); lower is better",
    ),
    curve(
      "byte_miss_ratio_vs_size",
      "byte_miss_ratio",
      "Byte miss ratio vs cache size",
      "bytes of the missed requests / bytes of all requests, at each size",
    ),
  ];
}
