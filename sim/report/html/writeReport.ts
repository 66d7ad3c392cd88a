// `cachesim report <folder>` and `--html`: reads a run's, a sweep's or an mrc report folder and writes
// report.html and every chart as a standalone SVG (chart-<id>.svg). Written into the folder itself, the
// folder is rewritten as a whole (its files copied, the new ones added, then swapped in), so it stays a
// report that the next run may replace; with another output folder only the HTML and SVGs go there.
import { copyFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { METRIC_COLUMNS } from "../../metrics/columns.ts";
import { OutputDir, REPORT_MARKER_FILE } from "../outputDir.ts";
import { type Chart, mrcCharts, runCharts, sweepCharts } from "./charts.ts";
import { renderPage } from "./page.ts";
import { renderSvg } from "./renderSvg.ts";
import { readReportFolder } from "./reportData.ts";

type ReportData = ReturnType<typeof readReportFolder>;

export const REPORT_HTML = "report.html";
const isOurs = (name: string) => name === REPORT_HTML || /^chart-.*\.svg$/.test(name);

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
      caption: "Summary (summary.csv)",
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

/** Returns the names of the files written (report.html first). */
export async function writeHtmlReport(folder: string, outDir?: string): Promise<string[]> {
  const data = readReportFolder(folder);
  const charts: Chart[] =
    data.kind === "run" ? runCharts(data) : data.kind === "sweep" ? sweepCharts(data) : mrcCharts(data);
  const rendered = [];
  for (const chart of charts) rendered.push({ ...chart, svg: await renderSvg(chart.spec) });
  const name = path.basename(path.resolve(folder));
  const html = renderPage({
    title: `cachesim ${data.kind === "mrc" ? "miss-ratio curves" : data.kind}: ${name}`,
    subtitle: subtitleOf(data),
    // The SVG's own XML prologue-free markup is valid inline HTML.
    charts: rendered.map((c) => ({ id: c.id, title: c.title, description: c.description, svg: c.svg })),
    table: tableOf(data),
  });
  const target = outDir ?? folder;
  const output = await OutputDir.create(target);
  try {
    if (path.resolve(target) === path.resolve(folder)) {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (!entry.isFile() || entry.name === REPORT_MARKER_FILE || isOurs(entry.name)) continue;
        await copyFile(path.join(folder, entry.name), output.path(entry.name));
      }
    }
    await writeFile(output.path(REPORT_HTML), html);
    for (const c of rendered) await writeFile(output.path(`chart-${c.id}.svg`), c.svg);
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
  return [REPORT_HTML, ...rendered.map((c) => `chart-${c.id}.svg`)];
}
