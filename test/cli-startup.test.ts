// Guards what a command's start leaves out: yargs' help text is not rendered for a run, no
// Intl.Segmenter is made (each one loads ICU's grapheme rules) unless help is asked for, when help
// still measures and prints as before, and yargs measures with a string-width that builds no emoji table
// as it loads.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { withLazySegmenters } from "../sim/commands/lazySegmenters.ts";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-startup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Loaded before the launcher: counts the real segmenters made and the strings they segment, and prints
// both on stderr as the process exits.
const PROBE = `data:text/javascript,${encodeURIComponent(`
const Real = Intl.Segmenter;
let made = 0, segmented = 0;
class Counted extends Real {
  constructor(...args) { super(...args); made++; }
  segment(input) { segmented++; return super.segment(input); }
}
Intl.Segmenter = Counted;
process.on("exit", () => process.stderr.write("segmenters " + made + " segmented " + segmented + "\\n"));
`)}`;

async function probed(...args: string[]): Promise<{ stdout: string; made: number; segmented: number }> {
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", PROBE, "sim/bin/cachesim.js", ...args],
    {
      timeout: 60_000,
    },
  );
  const counts = /segmenters (\d+) segmented (\d+)/.exec(stderr);
  if (counts === null) throw new Error(`no counts on stderr: ${stderr}`);
  return { stdout, made: Number(counts[1]), segmented: Number(counts[2]) };
}

describe("a command's start", () => {
  it("runs a scenario without rendering help or making a segmenter", async () => {
    const r = await probed("run", "scenarios/local-stale.yaml", "--out", path.join(tmp, "run"), "--quiet");
    expect(r.made).toBe(0);
    expect(r.segmented).toBe(0);
  });

  it("still measures and prints a command's help", async () => {
    const r = await probed("run", "--help");
    expect(r.stdout).toContain("cachesim run <scenario>");
    expect(r.stdout).toContain("--seed");
    expect(r.made).toBeGreaterThan(0);
    expect(r.segmented).toBeGreaterThan(0);
  });
});

describe("yargs' string-width", () => {
  it("is the 7 that package.json's override names (8 builds every RGI emoji into a pattern as it loads)", () => {
    const fromYargs = createRequire(createRequire(import.meta.url).resolve("yargs/package.json"));
    const entry = fromYargs.resolve("string-width");
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), "package.json"), "utf8")) as {
      version: string;
    };
    expect(pkg.version.split(".")[0]).toBe("7");
  });
});

describe("withLazySegmenters", () => {
  it("defers what the load makes, segments as the real one does, and puts the constructor back", async () => {
    const real = Intl.Segmenter;
    const made = await withLazySegmenters(async () => new Intl.Segmenter("en", { granularity: "grapheme" }));
    expect(Intl.Segmenter).toBe(real);
    const text = "cafe\u0301 👍🏽 a";
    const segments = (s: Intl.Segmenter) => Array.from(s.segment(text), (x) => x.segment);
    expect(segments(made)).toEqual(segments(new real("en", { granularity: "grapheme" })));
    expect(made.resolvedOptions().granularity).toBe("grapheme");
  });

  it("puts the constructor back when the load fails", async () => {
    const real = Intl.Segmenter;
    await expect(withLazySegmenters(async () => Promise.reject(new Error("load failed")))).rejects.toThrow(
      "load failed",
    );
    expect(Intl.Segmenter).toBe(real);
  });
});
