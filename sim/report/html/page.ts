// The report page: one self-contained HTML file. Charts are inline SVG, styles inline, no script and no
// external resource (the Content-Security-Policy says so to the browser), so it opens offline and
// shows the same thing wherever it is opened.
import type { Table } from "./reportData.ts";

export interface PageChart {
  id: string;
  title: string;
  description: string;
  svg: string;
}

export interface PageContent {
  title: string;
  subtitle: string;
  charts: PageChart[];
  table: { caption: string; data: Table; columns: string[]; rowsMax: number };
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1400px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.subtitle { color: #555; margin-top: 0; }
nav ul { columns: 3; font-size: .9rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
section.chart { border: 1px solid #e3e3e3; border-radius: 6px; padding: .8rem; }
section.chart h2 { font-size: 1rem; margin: 0 0 .2rem 0; }
section.chart p { font-size: .85rem; color: #555; margin: 0 0 .5rem 0; max-width: 560px; }
table { border-collapse: collapse; font-size: .8rem; margin-top: .5rem; }
th, td { border: 1px solid #ddd; padding: .2rem .4rem; text-align: right; }
th { background: #f4f4f4; }
`;

export function renderPage(content: PageContent): string {
  const { table } = content;
  const rows = table.data.rows.slice(0, table.rowsMax);
  const more = table.data.rows.length - rows.length;
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
<h1>${escapeHtml(content.title)}</h1>
<p class="subtitle">${escapeHtml(content.subtitle)}</p>
<nav><ul>
${content.charts.map((c) => `<li><a href="#chart-${c.id}">${escapeHtml(c.title)}</a></li>`).join("\n")}
</ul></nav>
<div class="charts">
${content.charts
  .map(
    (c) => `<section class="chart" id="chart-${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<p>${escapeHtml(c.description)}</p>
<figure>${c.svg}</figure>
</section>`,
  )
  .join("\n")}
</div>
<h2>${escapeHtml(table.caption)}</h2>
<table>
<thead><tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${table.columns.map((c) => `<td>${escapeHtml(r[c] ?? "")}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table>
${more > 0 ? `<p>${more} more rows in the CSV file.</p>` : ""}
</body>
</html>
`;
}
