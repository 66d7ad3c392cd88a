// Streaming CSV writer for report files. writeRow() is synchronous so the simulation loop never waits on
// I/O; lines are collected until about CHUNK_CHARS characters, then written with one synchronous write.
// Memory stays bounded however many rows a run produces, and the bytes depend only on the rows given.
// A file kept in memory (inMemory(), for a run that asked for no report folder) gets the same bytes and
// holds them all.
//
// The format is csv-stringify's default: a field is quoted only when it holds a comma, a double quote,
// \n or \r; numbers are written as String(n); every record ends with "\n". csv-stringify costs about
// 1.3 µs per 10-column row, which dominates a multi-million-row timeseries, so rows that need no quoting
// (nearly all report rows) are joined directly and only the others go through csv-stringify. The test
// suite checks that both paths give the same bytes as csv-stringify for arbitrary rows.
import * as fs from "node:fs";
import { stringify } from "csv-stringify/sync";
import { outputFailure, reportPathFor } from "./outputDir.ts";

export type CsvCell = string | number;

/** Big enough that a write call costs little per row, small enough to keep memory flat. */
const CHUNK_CHARS = 64 * 1024;

/** What makes csv-stringify (default options) quote a field. */
const NEEDS_QUOTING = /[",\n\r]/;

/** One CSV line, "\n" included, byte-identical to csv-stringify's default output for the row. */
export function formatCsvLine(cells: readonly CsvCell[]): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as CsvCell;
    const text = typeof cell === "number" ? String(cell) : cell;
    if (typeof cell === "string" && NEEDS_QUOTING.test(cell)) return stringify([cells as CsvCell[]]);
    line += i === 0 ? text : `,${text}`;
  }
  return `${line}\n`;
}

/** Cells formatted once and reused in many rows (the empty cells of an idle interval). */
export interface FormattedCells {
  /** The cells' CSV text, each preceded by its comma. */
  readonly text: string;
  readonly count: number;
}

export function formatCells(cells: readonly CsvCell[]): FormattedCells {
  const line = formatCsvLine(["", ...cells]);
  return { text: line.slice(0, -1), count: cells.length };
}

/** Where a CSV file's text goes: a file on disk, or memory (a run asked for no report folder). */
interface CsvSink {
  write(text: string): void;
  close(): Promise<void>;
}

function fileSink(filePath: string): CsvSink {
  let fd: number;
  try {
    fd = fs.openSync(filePath, "w");
  } catch (error) {
    throw outputFailure(error, reportPathFor(filePath));
  }
  return {
    write(text) {
      const bytes = Buffer.from(text, "utf8");
      // writeSync may write fewer bytes than asked; loop until the chunk is out.
      let offset = 0;
      try {
        while (offset < bytes.length) {
          offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
        }
      } catch (error) {
        // A full disk mid-run: one line naming the report, not a raw Node error.
        throw outputFailure(error, reportPathFor(filePath));
      }
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        fs.close(fd, (error) => (error ? reject(outputFailure(error, reportPathFor(filePath))) : resolve()));
      });
    },
  };
}

export class CsvFile {
  private pending: string[] = [];
  private pendingChars = 0;
  private sink: CsvSink | undefined;
  private rowsWritten = 0;
  /** In memory only: the text written so far, in chunks. */
  private readonly kept: string[] | null;

  private constructor(
    readonly path: string,
    private readonly columnCount: number,
    sink: CsvSink,
    kept: string[] | null,
  ) {
    this.sink = sink;
    this.kept = kept;
  }

  /** Creates (or truncates) the file and writes the header line. */
  static open(filePath: string, header: readonly string[]): CsvFile {
    if (header.length === 0) throw new Error(`CSV header for ${filePath} has no columns`);
    const file = new CsvFile(filePath, header.length, fileSink(filePath), null);
    file.append(header);
    return file;
  }

  /** The same bytes as open() would write, kept in memory instead; read them with text(). */
  static inMemory(name: string, header: readonly string[]): CsvFile {
    if (header.length === 0) throw new Error(`CSV header for ${name} has no columns`);
    const kept: string[] = [];
    const sink: CsvSink = { write: (text) => void kept.push(text), close: async () => {} };
    const file = new CsvFile(name, header.length, sink, kept);
    file.append(header);
    return file;
  }

  /** An in-memory file's whole text, once it is closed. */
  text(): string {
    if (this.kept === null) throw new Error(`text() on CSV file ${this.path}, which is on disk`);
    if (this.sink !== undefined) throw new Error(`text() on CSV file ${this.path} before close()`);
    return this.kept.join("");
  }

  /** Number of data rows written so far, header excluded. */
  get rowCount(): number {
    return this.rowsWritten;
  }

  writeRow(cells: readonly CsvCell[]): void {
    if (this.sink === undefined) throw new Error(`writeRow() on closed CSV file ${this.path}`);
    // A short or long row would shift every later column in the report, so it is a bug, not data.
    if (cells.length !== this.columnCount) {
      throw new Error(
        `CSV row for ${this.path} has ${cells.length} cells, header has ${this.columnCount} columns`,
      );
    }
    this.append(cells);
    this.rowsWritten += 1;
  }

  /** Writes `cells` followed by cells formatted earlier: the same bytes as writeRow of all of them. */
  writeRowWithTail(cells: readonly CsvCell[], tail: FormattedCells): void {
    if (this.sink === undefined) throw new Error(`writeRow() on closed CSV file ${this.path}`);
    if (cells.length + tail.count !== this.columnCount) {
      throw new Error(
        `CSV row for ${this.path} has ${cells.length + tail.count} cells, header has ${this.columnCount} columns`,
      );
    }
    const head = formatCsvLine(cells);
    this.appendLine(`${head.slice(0, -1)}${tail.text}\n`);
    this.rowsWritten += 1;
  }

  /** Writes what is buffered and closes the file; calling it again does nothing. */
  async close(): Promise<void> {
    const sink = this.sink;
    if (sink === undefined) return;
    this.sink = undefined;
    try {
      this.flush(sink);
    } finally {
      await sink.close();
    }
  }

  private append(cells: readonly CsvCell[]): void {
    this.appendLine(formatCsvLine(cells));
  }

  private appendLine(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= CHUNK_CHARS && this.sink !== undefined) this.flush(this.sink);
  }

  private flush(sink: CsvSink): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    sink.write(text);
  }
}
