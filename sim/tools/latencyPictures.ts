// The pictures of the latency models' shapes that docs/scenario-format.md shows: for every model in the
// registry, its example options (the plugin's `example`) sampled 20,000 times from a seeded stream and
// drawn as a histogram of the share of hops per bin, with Vega-Lite as the HTML report draws its charts.
// `npm run docs:latency` writes docs/latency-<model>.svg; test/latency-pictures.test.ts checks the files
// against a fresh drawing, so a changed model cannot leave a stale picture.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { RngStreams } from "../core/rng.ts";
import { latencyField } from "../model/latency/field.ts";
import type { LatencyModelPlugin } from "../model/latency/latencyModel.ts";
import { latencyModels } from "../model/latency/registry.ts";
import { latencySampler } from "../model/latency.ts";
import { renderSvg } from "../report/html/renderSvg.ts";
import { formatDurationUs } from "../spec/duration.ts";
import { formatCount } from "../spec/errors.ts";

const DRAWS = 20_000;
const BINS = 60;
/** The axis ends past this share of the draws, so a heavy tail does not squash the body to one bar. */
const SHOWN_QUANTILE = 0.995;
const SEED = 1;
const LINE_CHARS = 90;

/** Where a model's picture is. */
export function latencyPicturePath(model: string): string {
  return `docs/latency-${model}.svg`;
}

/** Options as a scenario writes them, in YAML's flow style: `{ min: 500us, alpha: 1.5 }`. */
export function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${flowText(v)}`)
      .join(", ")} }`;
  }
  return String(value);
}

/** Text cut into lines of at most LINE_CHARS at spaces, for a subtitle. */
function lines(text: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > LINE_CHARS) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") out.push(line);
  return out;
}

/** The histogram of a model's example as a Vega-Lite spec. */
export function latencyPictureSpec(model: LatencyModelPlugin): TopLevelSpec {
  const written = { dist: model.name, ...model.example };
  const resolved = latencyField(latencyModels).parse(written);
  const sample = latencySampler(resolved, new RngStreams(SEED).stream(`picture:${model.name}`));
  const draws = Array.from({ length: DRAWS }, sample).sort((a, b) => a - b);
  const highUs = Math.max(1, draws[Math.ceil(SHOWN_QUANTILE * DRAWS) - 1] as number);
  // Whole-microsecond bins reaching a little past the shown quantile.
  const binUs = Math.max(1, Math.ceil((highUs * 1.05) / BINS));
  const counts = new Array<number>(BINS).fill(0);
  let beyond = 0;
  for (const x of draws) {
    const bin = Math.floor(x / binUs);
    if (bin < BINS) counts[bin] = (counts[bin] as number) + 1;
    else beyond++;
  }
  const values = counts.map((count, i) => ({
    start: (i * binUs) / 1000,
    end: ((i + 1) * binUs) / 1000,
    share: count / DRAWS,
  }));
  const cut =
    beyond > 0 ? `; ${formatCount(beyond)} beyond ${formatDurationUs(BINS * binUs)} are not drawn` : "";
  const subtitle = [
    ...lines(model.summary.replace(/`/g, "")),
    ...lines(
      `${flowText(written)}: ${formatCount(DRAWS)} draws (seed ${SEED}) in bins of ${formatDurationUs(binUs)}${cut}`,
    ),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 520,
    height: 200,
    title: { text: model.name, subtitle, anchor: "start" },
    // A fixed font list: the SVG must not depend on what the machine that renders it has installed.
    config: { font: "Helvetica, Arial, sans-serif", view: { stroke: "#ddd" } },
    data: { values },
    mark: { type: "bar", color: "#4c78a8" },
    encoding: {
      x: { field: "start", type: "quantitative", title: "one hop's latency (ms)", scale: { domainMin: 0 } },
      x2: { field: "end" },
      y: { field: "share", type: "quantitative", title: "share of hops", axis: { format: ".1%" } },
      y2: { datum: 0 },
    },
  } as TopLevelSpec;
}

/** The picture of a model, as the SVG text docs/latency-<model>.svg holds. */
export async function latencyPicture(model: LatencyModelPlugin): Promise<string> {
  return `${await renderSvg(latencyPictureSpec(model))}\n`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const model of latencyModels.all()) {
    const file = latencyPicturePath(model.name);
    writeFileSync(file, await latencyPicture(model));
    console.log(`wrote ${file}`);
  }
}
