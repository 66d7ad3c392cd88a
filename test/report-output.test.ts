// Guards atomic report output: a failed run leaves no partial report and never harms an earlier one; a
// bad or broken output path is one clear line (input vs environment); leftovers of killed runs go away.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CsvFile } from "../sim/report/csvFile.ts";
import {
  OutputDir,
  OutputDirError,
  REPORT_MARKER_FILE,
  removeAbandonedPartials,
  reportPathFor,
} from "../sim/report/outputDir.ts";

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
    // The parents it created went too: a failed run leaves nothing.
    expect(entries(root)).toEqual([]);
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

/** The OutputDirError a promise rejects with (failing the test if it resolves or fails otherwise). */
async function outputError(promise: Promise<unknown>): Promise<OutputDirError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutputDirError) return error;
    throw error;
  }
  throw new Error("expected an OutputDirError");
}

describe("output paths that cannot work", () => {
  it("names the path and the cause in one line, as bad input, and creates nothing", async () => {
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "x");
    const cases: Array<[string, RegExp]> = [
      [path.join(file, "sub", "report"), /a part of the path is not a folder/],
      ["/proc/cachesim-test/report", /no such file or folder, and it cannot be created there/],
      ["/proc/cachesim-test", /no such file or folder, and it cannot be created there/],
      ["/sys/cachesim-test", /operation not permitted|permission denied|read-only file system/],
    ];
    for (const [dir, cause] of cases) {
      const error = await outputError(OutputDir.create(dir));
      expect(error.message, dir).toMatch(new RegExp(`^cannot write the report to ${dir}: `));
      expect(error.message, dir).toMatch(cause);
      expect(error.message).not.toContain("\n");
      expect(error.kind, dir).toBe("input");
    }
    expect(entries(root)).toEqual(["a-file"]);
  });

  it("removes the parent folders it created when the run fails", async () => {
    const out = await OutputDir.create(path.join(root, "new", "deeper", "report"));
    expect(fs.existsSync(path.join(root, "new", "deeper"))).toBe(true);
    await out.abort();
    expect(entries(root)).toEqual([]);
  });

  it("reports a full disk as the environment's failure, naming the report file, not the hidden folder", async () => {
    // /dev/full accepts the open and fails every write with ENOSPC.
    const file = CsvFile.open("/dev/full", ["a"]);
    let thrown: unknown;
    try {
      for (let i = 0; i < 20_000; i++) file.writeRow(["0123456789"]);
    } catch (e) {
      thrown = e;
    }
    await file.close();
    expect(thrown).toBeInstanceOf(OutputDirError);
    const error = thrown as OutputDirError;
    expect(error.message).toBe("cannot write the report to /dev/full: no space left on the device");
    expect(error.kind).toBe("environment");
    expect(reportPathFor(path.join(root, ".run.partial-12-3", "summary.csv"))).toBe(
      path.join(root, "run", "summary.csv"),
    );
  });
});

describe("leftovers of killed runs", () => {
  it("removes partial folders whose process is gone, keeps those whose process lives", async () => {
    // A process that has certainly exited, and one that is certainly alive (this one's parent).
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    const deadPid = gone.pid as number;
    const livePid = process.ppid;
    const dead = `.report.partial-${deadPid}-1`;
    const deadOld = `.other.partial-${deadPid}-2.old`;
    const alive = `.report.partial-${livePid}-1`;
    for (const name of [dead, deadOld, alive]) {
      fs.mkdirSync(path.join(root, name));
      fs.writeFileSync(path.join(root, name, "summary.csv"), "node\n");
    }
    fs.mkdirSync(path.join(root, ".report.partial-notapid"));
    expect((await removeAbandonedPartials(root)).sort()).toEqual([dead, deadOld].sort());
    expect(entries(root)).toEqual([".report.partial-notapid", alive].sort());
    // The next run into the same parent does it on its own.
    fs.mkdirSync(path.join(root, dead));
    const out = await OutputDir.create(path.join(root, "report"));
    expect(entries(root)).not.toContain(dead);
    expect(entries(root)).toContain(alive);
    await out.abort();
  });
});
