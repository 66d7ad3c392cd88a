// Guards report comparison: row matching, tolerance edges, structural differences, bad input, exit codes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CompareError, compareCsv, formatCompare } from "../sim/report/compare.ts";
import { runCompare } from "../sim/report/compareCommand.ts";

const exact = { tolerance: 0, absTolerance: 0 };

describe("compareCsv", () => {
  it("finds nothing in identical files, and treats 1.0 and 1 as equal", () => {
    const a = "node,reads,hit_rate\nn1,10,0.5\nn2,20,\n";
    const b = "node,reads,hit_rate\nn1,10.0,0.50\nn2,20,\n";
    const result = compareCsv(a, b, exact);
    expect(result.differences).toEqual([]);
    expect(result.withinTolerance).toBe(true);
    expect(result.keyColumns).toEqual(["node"]);
    expect(result.rowsCompared).toBe(2);
    expect(result.cellsCompared).toBe(4);
    expect(formatCompare(result, "a.csv", "b.csv")).toContain("No differences in the 4 cells compared");
  });

  it("matches mrc.csv's rows by policy and size, its new columns compared like any other", () => {
    const header =
      "policy,size,requests,misses,miss_ratio,byte_miss_ratio,byte_hit_rate,evictions,evicted_bytes,rejections,sample_rate";
    const a = `${header}\nlru,10,100,40,0.400000,0.5,0.5,30,300,0,1\nfifo,10,100,45,0.450000,0.5,0.5,35,350,2,1\n`;
    const b = `${header}\nfifo,10,100,45,0.450000,0.5,0.5,35,360,2,1\nlru,10,100,41,0.410000,0.5,0.5,30,300,0,1\n`;
    const result = compareCsv(a, b, exact);
    expect(result.keyColumns).toEqual(["policy", "size"]);
    expect(result.differences.map((d) => `${d.rowKey} ${d.column}`)).toEqual([
      "policy=lru size=10 misses",
      "policy=lru size=10 miss_ratio",
      "policy=fifo size=10 evicted_bytes",
    ]);
  });

  it("matches summary rows by node, whatever their order", () => {
    const a = "node,reads\nn1,10\nn2,20\n";
    const b = "node,reads\nn2,20\nn1,11\n";
    const result = compareCsv(a, b, exact);
    expect(result.differences).toEqual([
      {
        rowKey: "node=n1",
        column: "reads",
        a: "10",
        b: "11",
        relativeDifference: 1 / 11,
        beyondTolerance: true,
      },
    ]);
  });

  it("matches timeseries rows by time_us and node", () => {
    const a = "time_us,node,reads\n0,n1,1\n0,n2,2\n1000,n1,3\n";
    const b = "time_us,node,reads\n0,n1,1\n0,n2,2\n1000,n1,4\n";
    const result = compareCsv(a, b, exact);
    expect(result.keyColumns).toEqual(["time_us", "node"]);
    expect(result.differences.map((d) => d.rowKey)).toEqual(["time_us=1000 node=n1"]);
  });

  it("matches a trace by row index when time_us and node do not identify rows", () => {
    const a = "time_us,node,op,key\n0,n1,read,k1\n0,n1,read,k2\n";
    const b = "time_us,node,op,key\n0,n1,read,k1\n0,n1,read,k3\n";
    const result = compareCsv(a, b, exact);
    expect(result.matchedBy).toBe("rowIndex");
    expect(result.keyColumns).toEqual([]);
    expect(result.differences).toEqual([
      { rowKey: "row 2", column: "key", a: "k2", b: "k3", relativeDifference: null, beyondTolerance: true },
    ]);
    expect(formatCompare(result, "a", "b")).toContain("rows matched by row index");
  });

  it("matches files with neither time_us nor node by row index", () => {
    const result = compareCsv("x\n1\n2\n", "x\n1\n", exact);
    expect(result.matchedBy).toBe("rowIndex");
    expect(result.rowsOnlyInA).toEqual(["row 2"]);
  });

  describe("tolerance edges", () => {
    const pair = (a: string, b: string, tolerance: number, absTolerance: number) =>
      compareCsv(`node,v\nn,${a}\n`, `node,v\nn,${b}\n`, { tolerance, absTolerance });

    it("a relative difference exactly at the tolerance is within", () => {
      // |100 - 95| = 5 = 5 % of max(100, 95)
      const result = pair("100", "95", 0.05, 0);
      expect(result.differences).toHaveLength(1);
      expect(result.differences[0]?.beyondTolerance).toBe(false);
      expect(result.withinTolerance).toBe(true);
    });

    it("a relative difference just past the tolerance is beyond", () => {
      const result = pair("100", "94.99", 0.05, 0);
      expect(result.differences[0]?.beyondTolerance).toBe(true);
      expect(result.withinTolerance).toBe(false);
    });

    it("a difference exactly at the absolute tolerance is within, despite binary rounding", () => {
      // In floating point |1.1 - 1.0| is 0.10000000000000009.
      expect(pair("1.1", "1.0", 0, 0.1).differences[0]?.beyondTolerance).toBe(false);
      expect(pair("0.3", "0.2", 0, 0.1).differences[0]?.beyondTolerance).toBe(false);
      expect(pair("1.1001", "1.0", 0, 0.1).differences[0]?.beyondTolerance).toBe(true);
    });

    it("uses the larger of the absolute and relative limits", () => {
      // Near zero the relative limit is tiny; the absolute one lets the difference through.
      expect(pair("0", "0.001", 0.05, 0.001).differences[0]?.beyondTolerance).toBe(false);
      expect(pair("0", "0.001", 0.05, 0).differences[0]?.beyondTolerance).toBe(true);
      expect(pair("1000", "1040", 0.05, 1).differences[0]?.beyondTolerance).toBe(false);
    });

    it("lists differences within tolerance with their relative difference", () => {
      const [difference] = pair("200", "210", 0.1, 0).differences;
      expect(difference).toEqual({
        rowKey: "node=n",
        column: "v",
        a: "200",
        b: "210",
        relativeDifference: 10 / 210,
        beyondTolerance: false,
      });
    });

    it("text cells must be equal whatever the tolerance; an empty cell is not zero", () => {
      expect(pair("abc", "abd", 1, 1).differences[0]?.beyondTolerance).toBe(true);
      expect(pair("", "0", 1, 1).differences[0]).toMatchObject({
        relativeDifference: null,
        beyondTolerance: true,
      });
    });
  });

  it("reports columns and rows present in one file only", () => {
    const a = "node,reads,old_metric\nn1,1,5\nn2,2,5\n";
    const b = "node,reads,new_metric\nn1,1,7\nn3,3,7\n";
    const result = compareCsv(a, b, exact);
    expect(result.columnsOnlyInA).toEqual(["old_metric"]);
    expect(result.columnsOnlyInB).toEqual(["new_metric"]);
    expect(result.rowsOnlyInA).toEqual(["node=n2"]);
    expect(result.rowsOnlyInB).toEqual(["node=n3"]);
    expect(result.differences).toEqual([]);
    expect(result.withinTolerance).toBe(false);
    const text = formatCompare(result, "a.csv", "b.csv");
    expect(text).toContain("Columns only in a.csv: old_metric");
    expect(text).toContain("Columns only in b.csv: new_metric");
    expect(text).toContain("Rows only in a.csv (1): node=n2");
    expect(text).toContain("Rows only in b.csv (1): node=n3");
    expect(text.split("\n").at(-1)).toBe(
      "DIFFERENT: 1 rows compared, 0 cells beyond tolerance, 0 within, 2 columns in one file only, 2 rows in one file only",
    );
  });

  it("reports the same columns in another order as a header mismatch", () => {
    const result = compareCsv("node,a,b\nn,1,2\n", "node,b,a\nn,2,1\n", exact);
    expect(result.headerOrderDiffers).toBe(true);
    expect(result.differences).toEqual([]);
    expect(result.withinTolerance).toBe(false);
    expect(formatCompare(result, "x", "y")).toContain("Header: same columns, different order");
  });

  it("formats a table of differences, beyond-tolerance first, and a count line", () => {
    const a = "node,reads,writes\nn1,100,10\n";
    const b = "node,reads,writes\nn1,101,20\n";
    const text = formatCompare(compareCsv(a, b, { tolerance: 0.05, absTolerance: 0 }), "a.csv", "b.csv");
    expect(text).toBe(
      [
        "Comparing a.csv (a) with b.csv (b); rows matched by node; tolerance 5% relative, 0 absolute",
        "┌─────────┬────────┬─────┬─────┬──────────┬────────┐",
        "│ row     │ column │   a │   b │ rel diff │ status │",
        "├─────────┼────────┼─────┼─────┼──────────┼────────┤",
        "│ node=n1 │ writes │  10 │  20 │      50% │ BEYOND │",
        "│ node=n1 │ reads  │ 100 │ 101 │    0.99% │ within │",
        "└─────────┴────────┴─────┴─────┴──────────┴────────┘",
        "DIFFERENT: 1 rows compared, 1 cells beyond tolerance, 1 within",
      ].join("\n"),
    );
  });

  it("caps the listed differences but counts them all", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `n${i},${i}`);
    const changed = Array.from({ length: 30 }, (_, i) => `n${i},${i + 1}`);
    const result = compareCsv(`node,v\n${rows.join("\n")}\n`, `node,v\n${changed.join("\n")}\n`, exact);
    const text = formatCompare(result, "a", "b", { maxDifferences: 5 });
    expect(text).toContain("... 25 more differences not shown");
    expect(text.split("\n").at(-1)).toBe("DIFFERENT: 30 rows compared, 30 cells beyond tolerance, 0 within");
  });

  describe("bad input", () => {
    const names = { aName: "a.csv", bName: "b.csv" };
    const badInput =
      (a: string, b: string, extra: object = {}) =>
      () =>
        compareCsv(a, b, { ...exact, ...names, ...extra });

    it("an empty file", () => {
      expect(badInput("", "node\n")).toThrow(CompareError);
      expect(badInput("", "node\n")).toThrow("a.csv: empty file");
      expect(badInput("node\n", "\n\n")).toThrow("b.csv: empty file");
    });

    it("text that is not CSV", () => {
      expect(badInput("node\nn\n", '{"node": 1}\n')).toThrow(/^b\.csv: not valid CSV/);
      expect(badInput("a,b\n1,2,3\n", "a,b\n")).toThrow(/^a\.csv: not valid CSV: .*line 2/);
      expect(badInput("a\n\u0000\u0001\n", "a\n")).toThrow("a.csv: not a CSV file (it holds binary data)");
      expect(badInput("a,,c\n", "a\n")).toThrow("a.csv: the header has an empty column name");
      expect(badInput("a,a\n", "a\n")).toThrow("a.csv: the header names column a twice");
    });

    it("different key columns", () => {
      expect(badInput("node,v\n", "time_us,node,v\n")).toThrow(
        "a.csv is keyed by node but b.csv by time_us, node: are they the same kind of report?",
      );
      expect(badInput("v\n", "node,v\n")).toThrow(/keyed by row index but b\.csv by node/);
      expect(badInput("node,v\n", "node,v\n", { keyColumns: ["id"] })).toThrow("a.csv: has no key column id");
      expect(badInput("id,v\n1,2\n1,3\n", "id,v\n", { keyColumns: ["id"] })).toThrow(/a\.csv: .*uniquely/);
    });

    it("a negative or non-numeric tolerance", () => {
      expect(() => compareCsv("a\n", "a\n", { tolerance: -1, absTolerance: 0 })).toThrow(CompareError);
      expect(() => compareCsv("a\n", "a\n", { tolerance: 0, absTolerance: Number.NaN })).toThrow(
        CompareError,
      );
    });

    it("accepts a UTF-8 byte order mark and CRLF line endings", () => {
      const result = compareCsv("\uFEFFnode,v\r\nn,1\r\n", "node,v\nn,1\n", exact);
      expect(result.withinTolerance).toBe(true);
      expect(result.keyColumns).toEqual(["node"]);
    });
  });
});

describe("runCompare", () => {
  let dir: string;
  let out: string;
  let err: string;
  const io = () => ({
    stdout: (text: string) => {
      out += text;
    },
    stderr: (text: string) => {
      err += text;
    },
  });
  const file = (name: string, text: string) => {
    const filePath = path.join(dir, name);
    fs.writeFileSync(filePath, text);
    return filePath;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachesim-compare-"));
    out = "";
    err = "";
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 when nothing differs beyond tolerance", async () => {
    const a = file("a.csv", "node,v\nn,100\n");
    const b = file("b.csv", "node,v\nn,104\n");
    expect(await runCompare(a, b, { tolerance: 0.05, absTolerance: 0, ...io() })).toBe(0);
    expect(out).toContain("OK: 1 rows compared, 0 cells beyond tolerance, 1 within");
    expect(err).toBe("");
  });

  it("exits 1 when something differs beyond tolerance", async () => {
    const a = file("a.csv", "node,v\nn,100\n");
    const b = file("b.csv", "node,v\nn,106\n");
    expect(await runCompare(a, b, { tolerance: 0.05, absTolerance: 0, ...io() })).toBe(1);
    expect(out).toContain("BEYOND");
  });

  it("exits 1 when a row is missing", async () => {
    const a = file("a.csv", "node,v\nn,1\nm,2\n");
    const b = file("b.csv", "node,v\nn,1\n");
    expect(await runCompare(a, b, { tolerance: 1, absTolerance: 1, ...io() })).toBe(1);
  });

  it("exits 2 with one line naming a missing file", async () => {
    const a = file("a.csv", "node\n");
    const missing = path.join(dir, "nope.csv");
    expect(await runCompare(a, missing, { ...exact, ...io() })).toBe(2);
    expect(err).toBe(`cachesim compare: cannot read ${missing}: no such file\n`);
    expect(out).toBe("");
  });

  it("exits 2 for a folder, an empty file or a file that is not CSV", async () => {
    const a = file("a.csv", "node\n");
    expect(await runCompare(a, dir, { ...exact, ...io() })).toBe(2);
    expect(err).toContain("is a directory");
    err = "";
    const empty = file("empty.csv", "");
    expect(await runCompare(empty, a, { ...exact, ...io() })).toBe(2);
    expect(err).toBe(`cachesim compare: ${empty}: empty file, expected a CSV header line\n`);
    err = "";
    const json = file("x.json", '{"node": "n"}\n');
    expect(await runCompare(a, json, { ...exact, ...io() })).toBe(2);
    expect(err).toMatch(
      new RegExp(`^cachesim compare: ${json.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid CSV`),
    );
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });
});
