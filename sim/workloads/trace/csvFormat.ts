// CSV with a header line. `columns` maps each field cachesim reads to a header name; a field left out
// uses the column of the same name when the header has one, else its default:
//   key   required
//   time  none: the trace has no times, and the workload then needs a rate
//   op    read (read/get/r and write/set/put/update/w are recognised, in any case)
//   size  none: writes get the workload's value sizes (or the bare tags); an empty cell is no size too
//   node  none: requests are spread over the nodes by the workload's `spread`
// Parsed by csv-parse a batch of lines at a time (quoted fields, "" escapes); a field may not hold a
// line break, so that every record is one line and messages can name it.
import type * as CsvParse from "csv-parse/sync";
import { z } from "zod";
import { onFirstUse } from "../../core/onFirstUse.ts";
import { strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import { Lines } from "./lines.ts";
import { traceError } from "./traceError.ts";
import { blankRecord, keyIdOf, type TraceFormat } from "./traceFormat.ts";

const csvParse = onFirstUse<typeof CsvParse>("csv-parse/sync");

const FIELDS = ["time", "key", "op", "size", "node"] as const;
type Field = (typeof FIELDS)[number];
const BATCH_LINES = 4096;

const columnName = z
  .string({ error: "expected a column name from the trace's header" })
  .min(1, { error: "expected a column name from the trace's header" })
  .max(1000, { error: "expected a column name from the trace's header" });

const READ_OPS = new Set(["read", "get", "r", "gets"]);
const WRITE_OPS = new Set(["write", "set", "put", "update", "w", "add", "replace", "insert"]);

export const csvFormat: TraceFormat<{ columns: Partial<Record<Field, string>>; delimiter: string }> = {
  name: "csv",
  summary: "CSV with a header; `columns` maps time, key, op, size and node to header names",
  timeUnitDefault: "us",
  options: strict({
    columns: strict({
      time: columnName.optional(),
      key: columnName.optional(),
      op: columnName.optional(),
      size: columnName.optional(),
      node: columnName.optional(),
    })
      .default({})
      .describe("header names of the columns to read; each defaults to the column of its own name"),
    delimiter: z
      .string({ error: "expected one character" })
      .length(1, { error: "expected one character" })
      .default(",")
      .describe("field separator"),
  }),
  create({ file, bytes }, { columns, delimiter }) {
    const lines = new Lines(file, bytes);
    const header = lines.next();
    if (header === null) throw traceError(file, "", "empty: a CSV trace starts with a header line");
    const names = parseLines(file, header, 1, delimiter)[0] ?? [];
    const index: Record<Field, number> = { time: -1, key: -1, op: -1, size: -1, node: -1 };
    for (const field of FIELDS) {
      const wanted = columns[field];
      const at = names.indexOf(wanted ?? field);
      if (wanted !== undefined && at < 0) {
        throw traceError(
          file,
          "line 1",
          `no column "${wanted}" (columns.${field}) in the header (${names.join(", ")})`,
        );
      }
      index[field] = at;
    }
    if (index.key < 0) {
      throw traceError(
        file,
        "line 1",
        `no key column: name it with columns.key (the header has ${names.join(", ")})`,
      );
    }
    const record = blankRecord();
    let batch: string[][] = [];
    let batchFirstLine = 0;
    let row = 0;
    const fill = (): boolean => {
      const text: string[] = [];
      batchFirstLine = lines.lineNumber + 1;
      while (text.length < BATCH_LINES) {
        const line = lines.next();
        if (line === null) break;
        text.push(line);
      }
      if (text.length === 0) return false;
      batch = parseLines(file, text.join("\n"), batchFirstLine, delimiter);
      row = 0;
      return true;
    };
    return {
      hasTimes: index.time >= 0,
      hasNodes: index.node >= 0,
      unit: "line",
      next() {
        for (;;) {
          if (row >= batch.length && !fill()) return null;
          const cells = batch[row++] as string[];
          const lineNumber = batchFirstLine + row - 1;
          const where = () => `line ${lineNumber}`;
          if (cells.length === 1 && cells[0] === "") continue; // a blank line
          if (cells.length !== names.length) {
            throw traceError(file, where(), `${cells.length} fields where the header has ${names.length}`);
          }
          const key = cells[index.key] as string;
          if (key === "" || key.length > LIMITS.textChars) {
            throw traceError(
              file,
              where(),
              `expected a key of 1 to ${LIMITS.textChars} characters in column "${names[index.key]}", found "${key.slice(0, 40)}"`,
            );
          }
          record.id = keyIdOf(key);
          record.key = key;
          record.at = lineNumber;
          if (index.time >= 0) {
            const text = cells[index.time] as string;
            const time = Number(text);
            if (text.trim() === "" || !Number.isFinite(time) || time < 0) {
              throw traceError(
                file,
                where(),
                `expected a time (a number >= 0) in column "${names[index.time]}", found "${text}"`,
              );
            }
            record.time = time;
          }
          if (index.op >= 0) {
            const op = (cells[index.op] as string).trim().toLowerCase();
            if (READ_OPS.has(op)) record.write = false;
            else if (WRITE_OPS.has(op)) record.write = true;
            else {
              throw traceError(
                file,
                where(),
                `expected an op (read/get or write/set/put/update) in column "${names[index.op]}", found "${cells[index.op]}"`,
              );
            }
          }
          if (index.size >= 0) {
            const text = cells[index.size] as string;
            const size = text.trim() === "" ? -1 : Number(text);
            if (size !== -1 && (!Number.isInteger(size) || size < 0)) {
              throw traceError(
                file,
                where(),
                `expected a size in bytes (a whole number >= 0) in column "${names[index.size]}", found "${text}"`,
              );
            }
            record.size = size;
          }
          if (index.node >= 0) record.node = cells[index.node] as string;
          return record;
        }
      },
      close: () => bytes.close(),
    };
  },
};

function parseLines(file: string, text: string, firstLine: number, delimiter: string): string[][] {
  try {
    return csvParse().parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    const where = lines === undefined ? "" : `line ${firstLine + lines - 1}`;
    const reason = error instanceof Error ? error.message.replace(/^Invalid [^:]*: /, "") : String(error);
    throw traceError(file, where, `not valid CSV: ${reason}`);
  }
}
