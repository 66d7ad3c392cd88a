// Guards the HTML report: one self-contained page (no script, nothing fetched) with a chart per view and
// each chart also as a standalone SVG, the same bytes on every render; and, in a real headless Chromium
// (Debian's chromium; skipped with a reason where there is none), a page that loads without console
// errors and whose every chart has drawn marks. Screenshots go to reports/html-report-test/.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeHtmlReport } from "../sim/report/html/writeReport.ts";
import { LocalExecutor } from "../sim/sweep/localExecutor.ts";
import { prepareSweep, runSweep } from "../sim/sweep/runSweep.ts";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-html-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const runDir = path.join(tmp, "run");
const sweepDir = path.join(tmp, "sweep");

const CHROMIUM = process.env.CACHESIM_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = "reports/html-report-test";

beforeAll(async () => {
  await run(
    process.execPath,
    ["sim/bin/cachesim.js", "run", "scenarios/local-stale.yaml", "--out", runDir, "--html", "--quiet"],
    {
      timeout: 120_000,
    },
  );
  const prepared = prepareSweep({
    file: "scenarios/sweeps/ttl-staleness.yaml",
    sets: [
      "workloads[0].generator.requests=1000",
      "defaults.cache.ttl=30ms,300ms,3s",
      "defaults.network.database=1ms,4ms",
    ],
    seeds: 2,
    outDir: sweepDir,
  });
  await runSweep(prepared, new LocalExecutor(1));
  await writeHtmlReport(sweepDir);
}, 240_000);

const charts = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^chart-.*\.svg$/.test(f))
    .sort();

describe("report.html", () => {
  it("is self-contained: no script, no external resource, a strict CSP", () => {
    for (const dir of [runDir, sweepDir]) {
      const html = readFileSync(path.join(dir, "report.html"), "utf8");
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
      expect(html).toContain("default-src 'none'");
    }
  });

  it("has a chart per view of a run, each also as an SVG file, and keeps the run's reports", () => {
    expect(charts(runDir)).toEqual([
      "chart-database_load_over_time.svg",
      "chart-hit_rate_over_time.svg",
      "chart-per_node.svg",
      "chart-read_latency_over_time.svg",
      "chart-stale_rate_over_time.svg",
      "chart-staleness_age.svg",
    ]);
    const html = readFileSync(path.join(runDir, "report.html"), "utf8");
    for (const file of charts(runDir)) expect(html).toContain(readFileSync(path.join(runDir, file), "utf8"));
    expect(existsSync(path.join(runDir, "summary.csv"))).toBe(true);
    expect(readFileSync(path.join(runDir, ".cachesim-report"), "utf8")).toContain("report.html");
  });

  it("draws each metric against each swept field, and the trade-off", () => {
    const names = charts(sweepDir);
    expect(names).toContain("chart-hit_rate_vs_defaults_cache_ttl.svg");
    expect(names).toContain("chart-stale_rate_vs_defaults_network_database.svg");
    expect(names).toContain("chart-tradeoff_stale_vs_hit.svg");
    // requests is set to one value for the whole sweep: no chart against it.
    expect(names.filter((n) => n.includes("requests"))).toEqual([]);
    const svg = readFileSync(path.join(sweepDir, "chart-hit_rate_vs_defaults_cache_ttl.svg"), "utf8");
    expect(svg).toContain("30ms");
    expect(svg).toContain("defaults.network.database");
  });

  it("renders the same bytes every time", async () => {
    const again = path.join(tmp, "again");
    await writeHtmlReport(sweepDir, again);
    for (const file of [...charts(sweepDir), "report.html"]) {
      expect(readFileSync(path.join(again, file), "utf8"), file).toBe(
        readFileSync(path.join(sweepDir, file), "utf8"),
      );
    }
  });

  it("refuses a folder that holds no report", async () => {
    await expect(writeHtmlReport(tmp)).rejects.toThrow(/neither a run's reports/);
  });
});

const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  console.warn(
    `headless browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CACHESIM_CHROMIUM)`,
  );
}

describe.skipIf(!haveBrowser)(`report.html in headless Chromium (${CHROMIUM})`, { timeout: 120_000 }, () => {
  it("loads without console errors or requests, and every chart has rendered marks", async () => {
    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(path.join(os.tmpdir(), "cachesim-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      mkdirSync(SHOTS, { recursive: true });
      for (const [name, dir] of [
        ["run", runDir],
        ["sweep", sweepDir],
      ] as const) {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        const requests: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.setViewportSize({ width: 1400, height: 1000 });
        await page.goto(`file://${path.join(dir, "report.html")}`, { waitUntil: "load" });
        const marks = await page.$$eval("section.chart", (sections) =>
          sections.map((s) => ({ id: s.id, marks: s.querySelectorAll("svg g.role-mark > *").length })),
        );
        expect(marks.length, name).toBe(charts(dir).length);
        for (const m of marks) expect(m.marks, `${name} ${m.id}`).toBeGreaterThan(0);
        expect(problems, name).toEqual([]);
        // The page itself, nothing else: no fonts, scripts or images fetched.
        expect(
          requests.filter((u) => !u.endsWith("report.html")),
          name,
        ).toEqual([]);
        // The whole run page; the top of the (long) sweep page.
        await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: name === "run" });
        expect(existsSync(path.join(SHOTS, `${name}.png`))).toBe(true);
        await page.close();
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
