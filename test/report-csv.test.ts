// Guards the CSV writer: byte-exact output, csv-stringify quoting, preformatted tails, chunked writes and
// misuse errors.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CsvFile, formatCells, formatCsvLine } from "../sim/report/csvFile.ts";

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachesim-csv-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("CsvFile", () => {
  it("writes the header first, numbers as given and \\n line endings", async () => {
    const file = CsvFile.open(path.join(dir, "a.csv"), ["time_us", "node", "hit_rate"]);
    file.writeRow([0, "n1", "0.500000"]);
    file.writeRow([1000, "n2", ""]);
    file.writeRow([-5, "n3", 1.25]);
    await file.close();
    expect(fs.readFileSync(path.join(dir, "a.csv"), "utf8")).toBe(
      "time_us,node,hit_rate\n0,n1,0.500000\n1000,n2,\n-5,n3,1.25\n",
    );
    expect(file.rowCount).toBe(3);
  });

  it("quotes only the fields that need it", async () => {
    const file = CsvFile.open(path.join(dir, "q.csv"), ["name", "note"]);
    file.writeRow(["plain", "a,b"]);
    file.writeRow(['say "hi"', "line1\nline2"]);
    file.writeRow(["cr\rhere", " spaced "]);
    file.writeRow(["ünïcødé", ""]);
    await file.close();
    const text = fs.readFileSync(path.join(dir, "q.csv"), "utf8");
    expect(text).toBe('name,note\nplain,"a,b"\n"say ""hi""","line1\nline2"\n"cr\rhere", spaced \nünïcødé,\n');
    // And it reads back to exactly what was written.
    expect(parse(text)).toEqual([
      ["name", "note"],
      ["plain", "a,b"],
      ['say "hi"', "line1\nline2"],
      ["cr\rhere", " spaced "],
      ["ünïcødé", ""],
    ]);
  });

  it("is byte-for-byte the same across runs, also past the chunk size", async () => {
    const write = async (name: string) => {
      const file = CsvFile.open(path.join(dir, name), ["time_us", "node", "value"]);
      for (let i = 0; i < 20_000; i++) file.writeRow([i * 10, `node-${i % 7}`, (i / 3).toFixed(6)]);
      await file.close();
      return fs.readFileSync(path.join(dir, name));
    };
    const first = await write("one.csv");
    const second = await write("two.csv");
    expect(first.length).toBeGreaterThan(128 * 1024);
    expect(first.equals(second)).toBe(true);
    const lines = first.toString("utf8").split("\n");
    expect(lines).toHaveLength(20_002); // header + rows + the empty string after the final \n
    expect(lines[20_000]).toBe("199990,node-0,6666.333333");
  });

  it("writes a header-only file when there are no rows", async () => {
    const file = CsvFile.open(path.join(dir, "empty.csv"), ["node"]);
    await file.close();
    expect(fs.readFileSync(path.join(dir, "empty.csv"), "utf8")).toBe("node\n");
  });

  it("rejects rows of the wrong width and writes after close; close twice is harmless", async () => {
    const file = CsvFile.open(path.join(dir, "w.csv"), ["a", "b"]);
    expect(() => file.writeRow([1])).toThrow(/has 1 cells, header has 2 columns/);
    expect(() => file.writeRow([1, 2, 3])).toThrow(/has 3 cells/);
    await file.close();
    await file.close();
    expect(() => file.writeRow([1, 2])).toThrow(/closed/);
    expect(fs.readFileSync(path.join(dir, "w.csv"), "utf8")).toBe("a,b\n");
  });

  it("rejects an empty header", () => {
    expect(() => CsvFile.open(path.join(dir, "h.csv"), [])).toThrow(/no columns/);
  });

  it("formats every row exactly as csv-stringify does (fast path and quoting path)", () => {
    // Strings biased towards the characters that decide quoting, plus arbitrary unicode.
    const tricky = fc.string({
      unit: fc.constantFrom(",", '"', "\n", "\r", " ", "a", "1", "-", ".", "é", "\t"),
    });
    const cell = fc.oneof(
      tricky,
      fc.string({ unit: "grapheme" }),
      fc.integer(),
      fc.double(),
      fc.constant(""),
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 8 }), (row) => {
        expect(formatCsvLine(row)).toBe(stringify([row]));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes the same bytes with a tail formatted once (formatCells) as with writeRow", async () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom(",", '"', "\n", "a", "1", " ") }),
      fc.integer(),
      fc.constant(""),
    );
    const rowsOf = fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 6 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rowsOf, fc.integer({ min: 1, max: 3 }), async (rows, split) => {
        n += 1;
        const whole = CsvFile.open(path.join(dir, `whole${n}.csv`), ["a", "b", "c", "d"]);
        const tailed = CsvFile.open(path.join(dir, `tailed${n}.csv`), ["a", "b", "c", "d"]);
        for (const row of rows) {
          whole.writeRow(row);
          tailed.writeRowWithTail(row.slice(0, split), formatCells(row.slice(split)));
        }
        await whole.close();
        await tailed.close();
        expect(tailed.rowCount).toBe(rows.length);
        expect(fs.readFileSync(path.join(dir, `tailed${n}.csv`), "utf8")).toBe(
          fs.readFileSync(path.join(dir, `whole${n}.csv`), "utf8"),
        );
      }),
      { numRuns: 200 },
    );
    const file = CsvFile.open(path.join(dir, "short.csv"), ["a", "b", "c"]);
    expect(() => file.writeRowWithTail(["x"], formatCells(["y"]))).toThrow(/2 cells, header has 3/);
    await file.close();
  });

  it("writes the same bytes as csv-stringify for a whole file", async () => {
    const header = ["time_us", "node", "note"];
    const rows: (string | number)[][] = [
      [0, "n1", "plain"],
      [1, "n,2", 'quote "q"'],
      [2.5, "", "multi\nline"],
      [-0, "x", " "],
    ];
    const filePath = path.join(dir, "same.csv");
    const file = CsvFile.open(filePath, header);
    for (const row of rows) file.writeRow(row);
    await file.close();
    expect(fs.readFileSync(filePath, "utf8")).toBe(stringify([header, ...rows]));
  });
});
