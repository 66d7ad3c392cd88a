// `cachesim report <folder>` and `--html`: reads a run's, a sweep's or an mrc report folder and writes
// report.html and every chart as a standalone SVG (chart-<id>.svg). Written into the folder itself, the
// folder is rewritten as a whole (its files copied, the new ones added, then swapped in), so it stays a
// report that the next run may replace; with another output folder only the HTML and SVGs go there.
import { copyFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { METRIC_COLUMNS } from "../../metrics/columns.ts";
import { SEQUENCE_FILE, SEQUENCE_HEADER, type SequenceLog } from "../../metrics/sequenceLog.ts";
import { TALLY_COLUMNS } from "../../model/tally.ts";
import { DEFAULTS } from "../../spec/defaults.ts";
import { formatCsvLine } from "../csvFile.ts";
import { OutputDir, REPORT_MARKER_FILE } from "../outputDir.ts";
import { type Chart, mrcCharts, runCharts, sweepCharts } from "./charts.ts";
import { type PageFigure, type PageSequence, renderPage } from "./page.ts";
import { renderSvg } from "./renderSvg.ts";
import {
  RUN_INFO_FILE,
  type RunData,
  type RunInfo,
  readReportFolder,
  type SweepData,
  type Table,
} from "./reportData.ts";
import { formatUs, sequenceDiagram } from "./sequence.ts";

type ReportData = ReturnType<typeof readReportFolder>;

export const REPORT_HTML = "report.html";
const isOurs = (name: string) => name === REPORT_HTML || /^chart-.*\.svg$/.test(name);

/** What `run --html` (or `sweep --html`) knows beside the folder's CSVs, written with the page. */
export interface HtmlExtras {
  /** The page's header and the expectations' results; kept as run.json. */
  info?: RunInfo;
  /** The run's messages for its sequence diagram; kept as sequence.csv. */
  sequence?: SequenceLog | null;
  /** A sequence diagram is drawn for runs of at most this many trace rows. */
  sequenceRowsMax?: number;
}

function subtitleOf(data: ReportData): string {
  if (data.kind === "run")
    return `${data.summary.rows.length - 1} node(s); ${data.timeseries.rows.length} timeseries rows`;
  if (data.kind === "sweep")
    return `swept ${data.fields.join(", ")}; ${data.sweep.rows.length} rows${data.stats !== null ? " (means and 95 % intervals from sweep-stats.csv)" : ""}`;
  const policies = new Set(data.mrc.rows.map((r) => r.policy)).size;
  return `${policies} polic${policies === 1 ? "y" : "ies"}; ${data.mrc.rows.length} points`;
}

function tableOf(data: ReportData) {
  if (data.kind === "run")
    return {
      caption: "Every column for every node (summary.csv)",
      data: data.summary,
      columns: data.summary.header,
      rowsMax: 1_000,
    };
  if (data.kind === "mrc")
    return { caption: "Points (mrc.csv)", data: data.mrc, columns: data.mrc.header, rowsMax: 1_000 };
  return {
    caption: "Points (sweep.csv)",
    data: data.sweep,
    columns: [
      ...data.sweep.header.filter((h) => !METRIC_COLUMNS.some((c) => c.name === h)),
      ...METRIC_COLUMNS.filter((c) => c.inTable && data.sweep.header.includes(c.name)).map((c) => c.name),
    ],
    rowsMax: 1_000,
  };
}

const DESCRIPTIONS = new Map(METRIC_COLUMNS.map((c) => [c.name, c.description]));

/** A ratio as a percentage, a µs figure in ms, "" as "none". */
function ratioText(cell: string | undefined): string {
  return cell === undefined || cell === "" ? "none" : `${(Number(cell) * 100).toFixed(2)} %`;
}

function usText(cell: string | undefined): string {
  return cell === undefined || cell === "" ? "none" : formatUs(Number(cell));
}

/** The counts every run has; the others are the pattern's own and shown when they are not zero. */
const BASIC_COUNTS = new Set([
  "db_reads_issued",
  "db_writes_issued",
  "cache_gets",
  "cache_sets",
  "db_requests",
]);

function runFigures(data: RunData): PageFigure[] {
  const total = data.summary.rows.find((r) => r.node === "total") ?? {};
  const figure = (name: string, value: string, column: string) => ({
    name,
    value,
    description: DESCRIPTIONS.get(column) ?? "",
  });
  const dbReads = Number(total.db_reads_issued ?? 0);
  const dbWrites = Number(total.db_writes_issued ?? 0);
  const figures: PageFigure[] = [
    {
      name: "requests",
      value: `${total.reads ?? 0} reads, ${total.writes ?? 0} writes`,
      description: "operations the workloads ran, all nodes together",
    },
    figure("hit rate", ratioText(total.hit_rate), "hit_rate"),
    figure("stale rate", ratioText(total.stale_rate), "stale_rate"),
    figure("stale reads", total.stale_reads ?? "0", "stale_reads"),
    figure("staleness age p99", usText(total.staleness_age_p99_us), "staleness_age_p99_us"),
    figure("read latency p99", usText(total.read_latency_p99_us), "read_latency_p99_us"),
    figure("write latency p99", usText(total.write_latency_p99_us), "write_latency_p99_us"),
    {
      name: "database load",
      value: `${dbReads + dbWrites} requests (${dbReads} reads, ${dbWrites} writes)`,
      description: "requests sent to the system of record: db_reads_issued + db_writes_issued",
    },
  ];
  for (const t of TALLY_COLUMNS) {
    const cell = total[t.column];
    if (BASIC_COUNTS.has(t.column) || cell === undefined || cell === "" || cell === "0") continue;
    figures.push({ name: t.column.replaceAll("_", " "), value: cell, description: t.description });
  }
  return figures;
}

function sweepFigures(data: SweepData): PageFigure[] {
  const rows = data.stats?.rows.filter((r) => r.stat === "mean") ?? data.sweep.rows;
  const range = (column: string, show: (cell: string) => string) => {
    const values = rows.map((r) => r[column]).filter((c): c is string => c !== undefined && c !== "");
    if (values.length === 0) return "none";
    const numbers = values.map(Number);
    const lo = values[numbers.indexOf(Math.min(...numbers))] as string;
    const hi = values[numbers.indexOf(Math.max(...numbers))] as string;
    return lo === hi ? show(lo) : `${show(lo)} to ${show(hi)}`;
  };
  return [
    {
      name: "points",
      value: String(data.sweep.rows.length),
      description: `rows of sweep.csv; swept ${data.fields.join(", ")}`,
    },
    {
      name: "hit rate",
      value: range("hit_rate", ratioText),
      description: "lowest to highest over the points",
    },
    {
      name: "stale rate",
      value: range("stale_rate", ratioText),
      description: "lowest to highest over the points",
    },
    {
      name: "staleness age p99",
      value: range("staleness_age_p99_us", usText),
      description: "lowest to highest over the points",
    },
    {
      name: "read latency p99",
      value: range("read_latency_p99_us", usText),
      description: "lowest to highest over the points",
    },
    {
      name: "database reads",
      value: range("db_reads_issued", (c) => c),
      description: "reads sent to the system of record, lowest to highest",
    },
  ].filter((f) => f.value !== "none" || f.name === "points");
}

function sequenceOf(data: RunData, rowsMax: number): PageSequence {
  const rows = data.trace?.rows.length ?? 0;
  if (data.trace === null)
    return {
      svg: null,
      note: "No trace.csv in this folder: the diagram needs one row per operation (run with --trace).",
      widthPx: 0,
    };
  if (rows > rowsMax)
    return {
      svg: null,
      note: `Not drawn: trace.csv has ${rows} rows, more than the ${rowsMax} a readable diagram holds (--sequence-rows).`,
      widthPx: 0,
    };
  if (data.sequence === null)
    return {
      svg: null,
      note: "No sequence.csv in this folder: run the scenario with --html (cachesim run <scenario> --html) to record when each message was sent and arrived.",
      widthPx: 0,
    };
  const diagram = renderSequence(data, data.info?.name ?? "the run");
  return {
    svg: diagram.svg,
    note: `${rows} operations, ${diagram.messages} messages${diagram.staleReads > 0 ? `, ${diagram.staleReads} stale read${diagram.staleReads === 1 ? "" : "s"} marked in red` : ""}.`,
    widthPx: diagram.widthPx,
  };
}

function renderSequence(data: RunData, name: string) {
  const diagram = sequenceDiagram({
    nodes: data.summary.rows.map((r) => r.node ?? "").filter((n) => n !== "total"),
    trace: data.trace as Table,
    sequence: data.sequence as Table,
    faults: data.faults,
    title: `${name}: who sent what, when (time runs down)`,
  });
  const widthPx = Number(/width="(\d+)"/.exec(diagram.svg)?.[1] ?? 0);
  return { ...diagram, widthPx };
}

/** sequence.csv: quoted as every other report CSV is (csvFile.ts), so the same rows give the same bytes. */
function sequenceTable(log: SequenceLog): string {
  return [SEQUENCE_HEADER, ...log.rows].map(formatCsvLine).join("");
}

/** Returns the names of the files written (report.html first). */
export async function writeHtmlReport(
  folder: string,
  outDir?: string,
  extras: HtmlExtras = {},
): Promise<string[]> {
  // A folder that holds no report is refused before anything is made.
  readReportFolder(folder);
  const target = outDir ?? folder;
  const output = await OutputDir.create(target);
  const written: string[] = [];
  try {
    const inPlace = path.resolve(target) === path.resolve(folder);
    if (inPlace) {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (!entry.isFile() || entry.name === REPORT_MARKER_FILE || isOurs(entry.name)) continue;
        await copyFile(path.join(folder, entry.name), output.path(entry.name));
      }
    }
    // What the run knows beside its CSVs goes into the folder first: the page is then made from the
    // folder alone, exactly as `cachesim report` makes it again later.
    if (extras.info !== undefined) {
      await writeFile(output.path(RUN_INFO_FILE), `${JSON.stringify(extras.info, null, 2)}\n`);
      written.push(RUN_INFO_FILE);
    }
    if (extras.sequence != null && !extras.sequence.overflowed) {
      await writeFile(output.path(SEQUENCE_FILE), sequenceTable(extras.sequence));
      written.push(SEQUENCE_FILE);
    }
    // With another output folder the run's own files stay where they are (only the page goes there).
    if (!inPlace && written.length > 0)
      throw new Error("run.json and sequence.csv belong in the run's folder");
    const data = readReportFolder(inPlace ? path.dirname(output.path(REPORT_HTML)) : folder);
    const charts: Chart[] =
      data.kind === "run" ? runCharts(data) : data.kind === "sweep" ? sweepCharts(data) : mrcCharts(data);
    const rendered = [];
    for (const chart of charts) rendered.push({ ...chart, svg: await renderSvg(chart.spec) });
    const name = path.basename(path.resolve(folder));
    const info = data.kind === "mrc" ? null : data.info;
    const html = renderPage({
      title: info?.name ?? `cachesim ${data.kind === "mrc" ? "miss-ratio curves" : data.kind}: ${name}`,
      description: info?.description ?? subtitleOf(data),
      facts:
        info === null
          ? [["folder", name]]
          : [
              ["seed", String(info.seed)],
              ["strategy", info.strategy],
              ["backends", info.backend],
              ["scenario file", info.file],
              ...(data.kind === "sweep" ? ([["points", subtitleOf(data)]] as Array<[string, string]>) : []),
            ],
      command: info?.command ?? null,
      figures: data.kind === "run" ? runFigures(data) : data.kind === "sweep" ? sweepFigures(data) : [],
      expectations: data.kind === "run" ? (info?.expectations ?? null) : undefined,
      sequence:
        data.kind === "run"
          ? sequenceOf(data, extras.sequenceRowsMax ?? DEFAULTS.htmlReport.sequenceRowsMax)
          : null,
      // The SVG's own XML prologue-free markup is valid inline HTML.
      charts: rendered.map((c) => ({ id: c.id, title: c.title, description: c.description, svg: c.svg })),
      table: tableOf(data),
      tableBeside: data.kind === "sweep",
    });
    await writeFile(output.path(REPORT_HTML), html);
    for (const c of rendered) await writeFile(output.path(`chart-${c.id}.svg`), c.svg);
    await output.commit();
    return [...written, REPORT_HTML, ...rendered.map((c) => `chart-${c.id}.svg`)];
  } catch (error) {
    await output.abort();
    throw error;
  }
}

/** The sequence diagram of a report folder on its own (the documentation's pictures), or null. */
export function sequenceSvgOf(folder: string, rowsMax = DEFAULTS.htmlReport.sequenceRowsMax): string | null {
  const data = readReportFolder(folder);
  if (data.kind !== "run") return null;
  return sequenceOf(data, rowsMax).svg;
}
