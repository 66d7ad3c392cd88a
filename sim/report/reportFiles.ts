// Where a run's CSV reports go: a report folder (OutputDir: written beside it, moved into place when the
// run succeeds) or memory (a library call that asked for no folder: nothing touches the disk). Both give
// a report the same bytes, so what a test reads in memory is what the command line writes.
import { CsvFile } from "./csvFile.ts";
import { OutputDir } from "./outputDir.ts";

export interface ReportFiles {
  /** Opens a CSV report by its file name (`summary.csv`) and writes its header. */
  csv(name: string, header: readonly string[]): CsvFile;
  /** The run succeeded: the reports become visible (on disk) or readable (in memory). */
  commit(): Promise<void>;
  /** The run failed: nothing it wrote remains. Does nothing after commit(). */
  abort(): Promise<void>;
  /** In memory, after commit(): each report's text by file name, in the order opened; null on disk. */
  texts(): ReadonlyMap<string, string> | null;
}

/** Reports into the folder outDir, or into memory when outDir is null. */
export async function openReportFiles(outDir: string | null): Promise<ReportFiles> {
  if (outDir === null) return new MemoryReports();
  const output = await OutputDir.create(outDir);
  return {
    csv: (name, header) => CsvFile.open(output.path(name), header),
    commit: () => output.commit(),
    abort: () => output.abort(),
    texts: () => null,
  };
}

class MemoryReports implements ReportFiles {
  private readonly files = new Map<string, CsvFile>();
  private committed = false;

  csv(name: string, header: readonly string[]): CsvFile {
    if (this.files.has(name)) throw new Error(`report ${name} opened twice`);
    const file = CsvFile.inMemory(name, header);
    this.files.set(name, file);
    return file;
  }

  async commit(): Promise<void> {
    for (const file of this.files.values()) await file.close();
    this.committed = true;
  }

  async abort(): Promise<void> {
    if (!this.committed) this.files.clear();
  }

  texts(): ReadonlyMap<string, string> {
    if (!this.committed) throw new Error("report texts read before the run committed them");
    return new Map([...this.files].map(([name, file]) => [name, file.text()]));
  }
}
