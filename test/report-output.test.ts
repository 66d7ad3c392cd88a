// Guards atomic report output: a failed run leaves no partial report and never harms an earlier one.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CsvFile } from "../sim/report/csvFile.ts";
import { OutputDir, REPORT_MARKER_FILE } from "../sim/report/outputDir.ts";

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cachesim-out-"));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function writeReport(finalDir: string, files: Record<string, string>): Promise<void> {
  const out = await OutputDir.create(finalDir);
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(out.path(name), text);
    await out.commit();
  } finally {
    await out.abort();
  }
}

/** Entries of a folder, hidden ones included, sorted so the assertions do not depend on readdir order. */
function entries(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe("OutputDir", () => {
  it("writes into a hidden sibling and creates missing parents", async () => {
    const finalDir = path.join(root, "nested", "deeper", "run1");
    const out = await OutputDir.create(finalDir);
    expect(path.dirname(out.tempDir)).toBe(path.dirname(finalDir));
    expect(path.basename(out.tempDir)).toMatch(new RegExp(`^\\.run1\\.partial-${process.pid}-\\d+$`));
    expect(out.path("summary.csv")).toBe(path.join(out.tempDir, "summary.csv"));
    expect(fs.existsSync(finalDir)).toBe(false);
    await out.abort();
    expect(entries(path.dirname(finalDir))).toEqual([]);
  });

  it("commit moves the report into place with a marker listing its files", async () => {
    const finalDir = path.join(root, "run");
    await writeReport(finalDir, { "summary.csv": "node\na\n", "timeseries.csv": "time_us,node\n" });
    expect(entries(finalDir)).toEqual([REPORT_MARKER_FILE, "summary.csv", "timeseries.csv"]);
    expect(fs.readFileSync(path.join(finalDir, "summary.csv"), "utf8")).toBe("node\na\n");
    expect(entries(root)).toEqual(["run"]);
  });

  it("commit replaces an earlier report entirely", async () => {
    const finalDir = path.join(root, "run");
    await writeReport(finalDir, { "summary.csv": "old\n", "trace.csv": "old trace\n" });
    await writeReport(finalDir, { "summary.csv": "new\n" });
    expect(entries(finalDir)).toEqual([REPORT_MARKER_FILE, "summary.csv"]);
    expect(fs.readFileSync(path.join(finalDir, "summary.csv"), "utf8")).toBe("new\n");
    expect(entries(root)).toEqual(["run"]);
  });

  it("abort (a failed run) leaves the earlier report intact and no partial folder", async () => {
    const finalDir = path.join(root, "run");
    await writeReport(finalDir, { "summary.csv": "old\n" });
    const failingRun = async () => {
      const out = await OutputDir.create(finalDir);
      try {
        const csv = CsvFile.open(out.path("summary.csv"), ["node"]);
        csv.writeRow(["half"]);
        await csv.close();
        throw new Error("simulation failed");
      } finally {
        await out.abort();
      }
    };
    await expect(failingRun()).rejects.toThrow("simulation failed");
    expect(entries(finalDir)).toEqual([REPORT_MARKER_FILE, "summary.csv"]);
    expect(fs.readFileSync(path.join(finalDir, "summary.csv"), "utf8")).toBe("old\n");
    expect(entries(root)).toEqual(["run"]);
  });

  it("a failed first run leaves nothing at all", async () => {
    const finalDir = path.join(root, "run");
    const out = await OutputDir.create(finalDir);
    fs.writeFileSync(out.path("summary.csv"), "partial");
    await out.abort();
    expect(entries(root)).toEqual([]);
  });

  it("replaces an empty folder", async () => {
    const finalDir = path.join(root, "run");
    fs.mkdirSync(finalDir);
    await writeReport(finalDir, { "summary.csv": "x\n" });
    expect(entries(finalDir)).toEqual([REPORT_MARKER_FILE, "summary.csv"]);
  });

  it("refuses a final path that is a file, before the run starts", async () => {
    const finalDir = path.join(root, "run");
    fs.writeFileSync(finalDir, "not a folder");
    await expect(OutputDir.create(finalDir)).rejects.toThrow(/exists and is not a directory/);
    expect(fs.readFileSync(finalDir, "utf8")).toBe("not a folder");
  });

  it("refuses to replace a folder that is not a cachesim report", async () => {
    const finalDir = path.join(root, "precious");
    fs.mkdirSync(finalDir);
    fs.writeFileSync(path.join(finalDir, "thesis.tex"), "years of work");
    await expect(OutputDir.create(finalDir)).rejects.toThrow(/not a cachesim report/);
    expect(entries(finalDir)).toEqual(["thesis.tex"]);
  });

  it("refuses to replace a report that gained foreign files, and checks again at commit", async () => {
    const finalDir = path.join(root, "run");
    await writeReport(finalDir, { "summary.csv": "old\n" });
    const out = await OutputDir.create(finalDir);
    fs.writeFileSync(out.path("summary.csv"), "new\n");
    fs.writeFileSync(path.join(finalDir, "notes.txt"), "mine");
    await expect(out.commit()).rejects.toThrow(/did not write: notes\.txt/);
    await out.abort();
    expect(entries(finalDir)).toEqual([REPORT_MARKER_FILE, "notes.txt", "summary.csv"]);
    expect(fs.readFileSync(path.join(finalDir, "summary.csv"), "utf8")).toBe("old\n");
    expect(entries(root)).toEqual(["run"]);
  });

  it("gives each output folder of one process its own temporary name", async () => {
    const finalDir = path.join(root, "run");
    const first = await OutputDir.create(finalDir);
    const second = await OutputDir.create(finalDir);
    expect(first.tempDir).not.toBe(second.tempDir);
    await first.abort();
    await second.abort();
  });

  it("rejects file names that would escape the folder, and use after commit", async () => {
    const out = await OutputDir.create(path.join(root, "run"));
    expect(() => out.path("../x.csv")).toThrow(/plain file name/);
    expect(() => out.path("")).toThrow(/plain file name/);
    expect(() => out.path(REPORT_MARKER_FILE)).toThrow(/reserved/);
    await out.commit();
    expect(() => out.path("late.csv")).toThrow(/already committed/);
    await expect(out.commit()).rejects.toThrow(/already committed/);
    await out.abort(); // no-op after commit
    expect(entries(path.join(root, "run"))).toEqual([REPORT_MARKER_FILE]);
  });
});
