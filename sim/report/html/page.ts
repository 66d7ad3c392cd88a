// The report page: one self-contained HTML file. Charts and the sequence diagram are inline SVG, styles
// inline, no script and no external resource (the Content-Security-Policy says so to the browser), so
// it opens offline and shows the same thing wherever it is opened. At the top what was run and how to
// run it again, then the headline figures and the expectations, then the diagram and the charts in a
// grid that is one column on a phone; a sweep's table sits beside its plots on a wide screen.
import type { Table } from "./reportData.ts";

export interface PageChart {
  id: string;
  title: string;
  description: string;
  svg: string;
}

export interface PageFigure {
  name: string;
  value: string;
  description: string;
}

export interface PageExpectation {
  path: string;
  description: string;
  passed: boolean;
  found: string;
}

export interface PageSequence {
  /** The SVG, or null with the reason there is none. */
  svg: string | null;
  note: string;
  widthPx: number;
}

export interface PageContent {
  title: string;
  description: string;
  /** Label and value pairs under the title (seed, strategy, ...). */
  facts: Array<[string, string]>;
  /** The command line that reproduces the report; null when the folder does not say. */
  command: string | null;
  figures: PageFigure[];
  /** null: the folder does not say; undefined: a page with no expectations (a sweep, curves). */
  expectations?: PageExpectation[] | null;
  sequence: PageSequence | null;
  charts: PageChart[];
  table: { caption: string; data: Table; columns: string[]; rowsMax: number };
  /** A sweep: the table beside the plots rather than below them. */
  tableBeside: boolean;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1d2329; background: #f5f7f9; line-height: 1.4; }
main { max-width: 1500px; margin: 0 auto; padding: 1rem; }
header.top { background: #fff; border: 1px solid #e1e5ea; border-radius: 8px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 0 0 .4rem 0; }
.description { margin: 0 0 .6rem 0; font-size: 1.05rem; color: #39424b; }
.facts { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: 0 0 .6rem 0; padding: 0; list-style: none; font-size: .9rem; color: #4b5560; }
.facts b { color: #1d2329; }
.command { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem; font-size: .9rem; }
.command code { display: block; max-width: 100%; white-space: pre-wrap; overflow-wrap: anywhere; background: #1d2329; color: #f5f7f9; padding: .35rem .6rem; border-radius: 5px; font-size: .85rem; }
.panel { background: #fff; border: 1px solid #e1e5ea; border-radius: 8px; padding: .9rem; min-width: 0; }
.panel > p { font-size: .85rem; color: #4b5560; margin: 0 0 .5rem 0; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 1rem; margin-bottom: 1rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border-bottom: 1px solid #e6e9ed; padding: .3rem .45rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; font-weight: bold; }
td.what { color: #5b6570; font-size: .8rem; }
table.figures td:first-child { white-space: nowrap; }
th { background: #f0f3f6; font-weight: 600; }
.met { color: #1e7b34; font-weight: bold; white-space: nowrap; }
.failed { color: #c62828; font-weight: bold; white-space: nowrap; }
.verdict { font-weight: bold; margin: 0 0 .5rem 0; }
.scroll { overflow: auto; max-width: 100%; }
.sequence { margin-bottom: 1rem; }
.sequence .scroll { max-height: 85vh; border: 1px solid #eef0f3; border-radius: 6px; }
.sequence svg { display: block; max-width: none; height: auto; }
.zoom { font-size: .85rem; margin: 0 0 .4rem 0; }
input.zoom-choice { position: absolute; opacity: 0; width: 1px; height: 1px; }
.zoom label { display: inline-block; border: 1px solid #c5ccd3; border-radius: 4px; padding: .1rem .5rem; margin-left: .2rem; cursor: pointer; }
#zoom-100:checked ~ .zoom label[for=zoom-100], #zoom-fit:checked ~ .zoom label[for=zoom-fit], #zoom-200:checked ~ .zoom label[for=zoom-200] { background: #1f6fb4; color: #fff; border-color: #1f6fb4; }
#zoom-fit:checked ~ .scroll svg { width: 100%; }
#zoom-200:checked ~ .scroll svg { width: calc(2 * var(--w)); }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1rem; font-size: .8rem; color: #4b5560; margin: 0 0 .5rem 0; padding: 0; list-style: none; }
.legend span { display: inline-block; width: .9rem; height: .25rem; vertical-align: middle; margin-right: .3rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 480px), 1fr)); gap: 1rem; }
section.chart h2 { font-size: 1rem; margin: 0 0 .2rem 0; }
section.chart p { font-size: .82rem; color: #4b5560; margin: 0 0 .4rem 0; }
section.chart figure { margin: 0; }
section.chart svg { display: block; width: 100%; height: auto; }
.beside { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
@media (min-width: 1100px) { .beside { grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); align-items: start; } .beside > .panel { position: sticky; top: 1rem; max-height: calc(100vh - 2rem); overflow: auto; } }
.beside .grid { grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); }
.full { margin-top: 1rem; }
.full td, .full th { text-align: right; white-space: nowrap; }
details summary { cursor: pointer; font-weight: 600; }
.expectations td { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  main { padding: .5rem; }
  table.figures th:nth-child(3), table.figures td.what { display: none; }
  td.num { white-space: normal; }
}
`;

function figuresTable(figures: PageFigure[]): string {
  return `<table class="figures">
<thead><tr><th>figure</th><th>value</th><th>what it is</th></tr></thead>
<tbody>
${figures.map((f) => `<tr><td title="${escapeHtml(f.description)}">${escapeHtml(f.name)}</td><td class="num">${escapeHtml(f.value)}</td><td class="what">${escapeHtml(f.description)}</td></tr>`).join("\n")}
</tbody>
</table>`;
}

function expectationsPanel(expectations: PageExpectation[] | null): string {
  if (expectations === null) {
    return `<section class="panel expectations"><h2>Expectations</h2><p>This folder does not say whether the scenario's expectations were met: <code>cachesim run &lt;scenario&gt; --html</code> writes that (run.json) with the page.</p></section>`;
  }
  if (expectations.length === 0) {
    return `<section class="panel expectations"><h2>Expectations</h2><p>The scenario states none (its <code>expect:</code> list is empty).</p></section>`;
  }
  const failed = expectations.filter((e) => !e.passed).length;
  return `<section class="panel expectations"><h2>Expectations</h2>
<p class="verdict ${failed === 0 ? "met" : "failed"}">${failed === 0 ? `all ${expectations.length} met` : `${failed} of ${expectations.length} not met`}</p>
<table>
<thead><tr><th>result</th><th>expectation</th><th>found</th></tr></thead>
<tbody>
${expectations
  .map(
    (e) =>
      `<tr class="${e.passed ? "met" : "failed"}-row"><td class="${e.passed ? "met" : "failed"}">${e.passed ? "✓ met" : "✗ failed"}</td><td>${escapeHtml(e.path)}: ${escapeHtml(e.description)}</td><td>${escapeHtml(e.found)}</td></tr>`,
  )
  .join("\n")}
</tbody>
</table></section>`;
}

const LEGEND: Array<[string, string]> = [
  ["#1f6fb4", "global cache"],
  ["#2a8a3e", "database"],
  ["#7b4bb0", "broker (invalidations)"],
  ["#d9730d", "refused, voided or waiting"],
  ["#c62828", "stale read, lost message, fault"],
];

function sequencePanel(sequence: PageSequence): string {
  if (sequence.svg === null) {
    return `<section class="panel sequence" id="sequence"><h2>Sequence diagram</h2><p>${escapeHtml(sequence.note)}</p></section>`;
  }
  return `<section class="panel sequence" id="sequence"><h2>Sequence diagram</h2>
<p>${escapeHtml(sequence.note)} Time runs down; hover over an arrow, a bar or a mark for what it is.</p>
<input class="zoom-choice" type="radio" name="zoom" id="zoom-100" checked><input class="zoom-choice" type="radio" name="zoom" id="zoom-fit"><input class="zoom-choice" type="radio" name="zoom" id="zoom-200">
<p class="zoom">zoom:<label for="zoom-fit">fit</label><label for="zoom-100">100 %</label><label for="zoom-200">200 %</label></p>
<ul class="legend">${LEGEND.map(([color, what]) => `<li><span style="background:${color}"></span>${escapeHtml(what)}</li>`).join("")}</ul>
<div class="scroll" style="--w: ${sequence.widthPx}px">${sequence.svg}</div>
</section>`;
}

function chartSection(c: PageChart): string {
  return `<section class="panel chart" id="chart-${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<p>${escapeHtml(c.description)}</p>
<figure>${c.svg}</figure>
</section>`;
}

function dataTable(table: PageContent["table"], cls: string): string {
  const rows = table.data.rows.slice(0, table.rowsMax);
  const more = table.data.rows.length - rows.length;
  return `<div class="scroll"><table class="${cls}">
<thead><tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${table.columns.map((c) => `<td>${escapeHtml(r[c] ?? "")}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table></div>
${more > 0 ? `<p>${more} more rows in the CSV file.</p>` : ""}`;
}

export function renderPage(content: PageContent): string {
  const { table } = content;
  const charts = `<div class="grid">
${content.charts.map(chartSection).join("\n")}
</div>`;
  const body = content.tableBeside
    ? `<div class="beside">
<section class="panel"><h2>${escapeHtml(table.caption)}</h2>${dataTable(table, "points")}</section>
${charts}
</div>`
    : `${charts}
<details class="panel full"><summary>${escapeHtml(table.caption)}</summary>
${dataTable(table, "summary")}
</details>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="top">
<h1>${escapeHtml(content.title)}</h1>
${content.description === "" ? "" : `<p class="description">${escapeHtml(content.description)}</p>`}
<ul class="facts">${content.facts.map(([k, v]) => `<li>${escapeHtml(k)}: <b>${escapeHtml(v)}</b></li>`).join("")}</ul>
${content.command === null ? "" : `<div class="command">reproduce:<code>${escapeHtml(content.command)}</code></div>`}
</header>
<div class="headline">
<section class="panel"><h2>Headline figures</h2><div class="scroll">${figuresTable(content.figures)}</div></section>
${content.expectations === undefined ? "" : expectationsPanel(content.expectations)}
</div>
${content.sequence === null ? "" : sequencePanel(content.sequence)}
${body}
</main>
</body>
</html>
`;
}
