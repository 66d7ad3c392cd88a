// Guards the HTML report: one self-contained page (no script, nothing fetched) that opens with the
// scenario, its reproduce command, headline figures and expectations, then the sequence diagram and a
// chart per view (each also a standalone SVG), the same bytes on every render, re-rendered alike by
// `cachesim report`; and, in a real headless Chromium (Debian's chromium; skipped with a reason where
// there is none), at a phone's and a desktop's width, a page that loads without console errors, does
// not overflow sideways, marks local-stale's stale reads, and whose every chart has drawn marks.
// Screenshots go to reports/ci-artifacts/ (git-ignored; CI keeps the folder).
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
const SHOTS = "reports/ci-artifacts";

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

  it("opens with the scenario, how to reproduce it, its figures and expectations, and its sequence diagram", () => {
    const html = readFileSync(path.join(runDir, "report.html"), "utf8");
    expect(html).toContain("<h1>local-stale</h1>");
    expect(html).toContain(
      "Two nodes with private caches; a write on one leaves the other serving the old value.",
    );
    expect(html).toContain("cachesim run scenarios/local-stale.yaml --seed 1 --html");
    expect(html).toContain("all 8 met");
    expect(html).toMatch(/stale rate<\/td><td class="num">37\.50 %/);
    expect(html.split('data-mark="stale"').length - 1).toBe(3);
    expect(existsSync(path.join(runDir, "run.json"))).toBe(true);
    expect(existsSync(path.join(runDir, "sequence.csv"))).toBe(true);
  });

  it("opens a sweep's page with the swept scenario and the command that sweeps it again", async () => {
    const out = path.join(tmp, "sweep-cli");
    await run(process.execPath, [
      "sim/bin/cachesim.js",
      "sweep",
      "scenarios/sweeps/ttl-staleness.yaml",
      "--set",
      "defaults.cache.ttl=10ms,1s",
      "--out",
      out,
      "--html",
      "--quiet",
    ]);
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    expect(html).toContain("<h1>ttl-staleness</h1>");
    expect(html).toContain(
      "cachesim sweep scenarios/sweeps/ttl-staleness.yaml --set defaults.cache.ttl=10ms,1s --html",
    );
  });

  it("is made again alike by cachesim report from the folder alone", async () => {
    const again = path.join(tmp, "run-again");
    await writeHtmlReport(runDir, again);
    expect(readFileSync(path.join(again, "report.html"), "utf8")).toBe(
      readFileSync(path.join(runDir, "report.html"), "utf8"),
    );
  });

  it("says why there is no diagram for a run with too many trace rows", async () => {
    const small = path.join(tmp, "run-small");
    await writeHtmlReport(runDir, small, { sequenceRowsMax: 5 });
    const html = readFileSync(path.join(small, "report.html"), "utf8");
    expect(html).toContain("Not drawn: trace.csv has 11 rows, more than the 5");
    expect(html).not.toContain('data-mark="stale"');
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
        for (const [device, width] of [
          ["phone", 390],
          ["desktop", 1400],
        ] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`file://${path.join(dir, "report.html")}`, { waitUntil: "load" });
          const marks = await page.$$eval("section.chart", (sections) =>
            sections.map((s) => ({ id: s.id, marks: s.querySelectorAll("svg g.role-mark > *").length })),
          );
          expect(marks.length, name).toBe(charts(dir).length);
          for (const m of marks) expect(m.marks, `${name} ${m.id}`).toBeGreaterThan(0);
          // Nothing wider than the screen: wide tables and the diagram scroll inside their own boxes.
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
          if (name === "run") {
            const stale = await page.$$eval("#sequence [data-mark=stale]", (gs) =>
              gs.map((g) => ({
                title: g.querySelector("title")?.textContent ?? "",
                shown: g.getBoundingClientRect().height > 0,
              })),
            );
            expect(stale.length).toBe(3);
            for (const s of stale) {
              expect(s.title).toMatch(/NodeB reads User:1: .* STALE: the value had been superseded/);
              expect(s.shown).toBe(true);
            }
            // The expectations are on the first screen, as is the reproduce command.
            expect(await page.locator("header.top code").textContent()).toContain("--seed 1");
          }
          const shot = path.join(SHOTS, `report-${name}-${device}.png`);
          await page.screenshot({ path: shot, fullPage: name === "run" });
          expect(existsSync(shot)).toBe(true);
        }
        expect(problems, name).toEqual([]);
        // The page itself, nothing else: no fonts, scripts or images fetched.
        expect(
          requests.filter((u) => !u.endsWith("report.html")),
          name,
        ).toEqual([]);
        await page.close();
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
