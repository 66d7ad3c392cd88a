// Atomic report output: a run writes its files into a hidden sibling folder and only a successful run
// moves that folder to the final name. A run that fails therefore leaves no half-written report and
// leaves an earlier report at the final name untouched.
//
// Usage:
//   const out = await OutputDir.create(dir);
//   try { ...write out.path("summary.csv")...; await out.commit(); } finally { await out.abort(); }
// abort() after a commit() does nothing, so the finally block is always safe.
import * as fsp from "node:fs/promises";
import * as path from "node:path";

/** Written into every committed report; it proves the folder is ours to replace on the next run. */
export const REPORT_MARKER_FILE = ".cachesim-report";
const MARKER_FIRST_LINE = "cachesim report; files written by the run:";

/**
 * The report folder cannot be written. `input` when the path given is the problem (exit 2: a bad --out),
 * `environment` when the machine is (exit 1: a full disk, an I/O error).
 */
export class OutputDirError extends Error {
  override readonly name = "OutputDirError";
  constructor(
    message: string,
    readonly kind: "input" | "environment" = "input",
  ) {
    super(message);
  }
}

/** What a file-system error code means for someone choosing where reports go; input vs environment. */
const FS_CAUSES: Record<string, [string, "input" | "environment"]> = {
  EACCES: ["permission denied", "input"],
  EPERM: ["operation not permitted", "input"],
  EROFS: ["read-only file system", "input"],
  ENOTDIR: ["a part of the path is not a folder", "input"],
  EISDIR: ["it is a folder", "input"],
  ENOENT: ["no such file or folder, and it cannot be created there", "input"],
  EEXIST: ["something already exists at that path", "input"],
  ENAMETOOLONG: ["the path is too long", "input"],
  ELOOP: ["too many symbolic links", "input"],
  EINVAL: ["not a valid place for files", "input"],
  EXDEV: ["the folder moved to another file system", "input"],
  ENOTEMPTY: ["a folder in the way is not empty", "input"],
  ENOSPC: ["no space left on the device", "environment"],
  EDQUOT: ["disk quota exceeded", "environment"],
  EFBIG: ["file too large for the file system or its limits", "environment"],
  EIO: ["input/output error", "environment"],
  EMFILE: ["too many open files", "environment"],
  ENFILE: ["too many open files in the system", "environment"],
  ENOMEM: ["out of memory", "environment"],
  EBUSY: ["resource busy", "environment"],
};

/**
 * Turns a file-system error met while writing the report at `dir` into one line naming the path and the
 * cause; anything that is not a file-system error (a bug) is returned as it was.
 */
export function outputFailure(error: unknown, dir: string): unknown {
  if (error instanceof OutputDirError) return error;
  const code = errorCode(error);
  if (code === undefined || !(error instanceof Error) || !("syscall" in error)) return error;
  const [cause, kind] = FS_CAUSES[code] ?? [`${code} (${error.message})`, "environment"];
  return new OutputDirError(`cannot write the report to ${dir}: ${cause}`, kind);
}

/**
 * The path a user knows a report file by: inside the final folder, not the hidden temporary one it is
 * written to.
 */
export function reportPathFor(filePath: string): string {
  const dir = path.dirname(filePath);
  const match = /^\.(.+)\.partial-\d+-\d+$/.exec(path.basename(dir));
  return match === null
    ? filePath
    : path.join(path.dirname(dir), match[1] as string, path.basename(filePath));
}

/** A leftover temporary folder: `.<name>.partial-<pid>-<n>`, or its `.old` twin during a commit. */
const PARTIAL_RE = /^\..+\.partial-(\d+)-\d+(\.old)?$/;

/**
 * Removes the temporary folders in parentDir that a killed run left behind (SIGKILL, a crash): those
 * whose owning process is gone. A folder whose owner lives (another run writing there now) is kept.
 */
export async function removeAbandonedPartials(parentDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parentDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = PARTIAL_RE.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await fsp.rm(path.join(parentDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errorCode(error) !== "ESRCH";
  }
}

/**
 * mkdir -p that returns the folders it created (outermost first). Node's own recursive mkdir loops
 * forever under /proc, so each level is created here.
 */
async function makeParents(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    try {
      const stats = await fsp.stat(current);
      if (!stats.isDirectory())
        throw Object.assign(new Error(`${current} is not a folder`), { code: "ENOTDIR", syscall: "mkdir" });
      break;
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
    }
    const up = path.dirname(current);
    if (up === current) break;
    missing.push(current);
    current = up;
  }
  const created: string[] = [];
  for (const folder of missing.reverse()) {
    await fsp.mkdir(folder);
    created.push(folder);
  }
  return created;
}

// pid + counter makes temporary names unique without a clock or randomness: two runs in one process
// get different counters, and two processes alive at the same time have different pids.
let tempDirsCreated = 0;

type State = "open" | "committed" | "aborted";

export class OutputDir {
  private state: State = "open";

  private constructor(
    readonly finalDir: string,
    readonly tempDir: string,
    /** Parent folders this run created, removed again when it fails: a failed run leaves nothing. */
    private readonly createdParents: readonly string[],
  ) {}

  static async create(finalDir: string): Promise<OutputDir> {
    const absoluteFinalDir = path.resolve(finalDir);
    const parentDir = path.dirname(absoluteFinalDir);
    const baseName = path.basename(absoluteFinalDir);
    if (absoluteFinalDir === parentDir) {
      throw new OutputDirError(`cannot write a report to the root folder ${absoluteFinalDir}`);
    }
    let createdParents: string[] = [];
    try {
      // Fail before the run spends its time simulating, not only at commit.
      await checkReplaceable(absoluteFinalDir);
      createdParents = await makeParents(parentDir);
      await removeAbandonedPartials(parentDir);
      for (;;) {
        tempDirsCreated += 1;
        const tempDir = path.join(parentDir, `.${baseName}.partial-${process.pid}-${tempDirsCreated}`);
        try {
          await fsp.mkdir(tempDir);
          return new OutputDir(absoluteFinalDir, tempDir, createdParents);
        } catch (error) {
          // A leftover from a killed process that happened to have our pid: skip to the next counter.
          if (errorCode(error) !== "EEXIST") throw error;
        }
      }
    } catch (error) {
      await removeEmptyFolders(createdParents);
      throw outputFailure(error, absoluteFinalDir);
    }
  }

  /** Path of a report file inside the temporary folder. */
  path(fileName: string): string {
    this.requireOpen("path");
    if (fileName === "" || fileName !== path.basename(fileName) || fileName === "." || fileName === "..") {
      throw new OutputDirError(`report file name must be a plain file name, got ${JSON.stringify(fileName)}`);
    }
    if (fileName === REPORT_MARKER_FILE) {
      throw new OutputDirError(`${REPORT_MARKER_FILE} is reserved for the report marker`);
    }
    return path.join(this.tempDir, fileName);
  }

  /** Moves the finished report to finalDir, replacing an earlier report there. */
  async commit(): Promise<void> {
    this.requireOpen("commit");
    try {
      await this.moveIntoPlace();
    } catch (error) {
      throw outputFailure(error, this.finalDir);
    }
  }

  private async moveIntoPlace(): Promise<void> {
    const fileNames = (await fsp.readdir(this.tempDir)).filter((name) => name !== REPORT_MARKER_FILE).sort();
    const marker = `${MARKER_FIRST_LINE}\n${fileNames.map((name) => `${name}\n`).join("")}`;
    await fsp.writeFile(path.join(this.tempDir, REPORT_MARKER_FILE), marker);

    const earlier = await checkReplaceable(this.finalDir);
    if (earlier === undefined) {
      await fsp.rename(this.tempDir, this.finalDir);
      this.state = "committed";
      return;
    }
    // A directory cannot be renamed over a non-empty one, so the earlier report is first moved aside
    // (still hidden, still whole) and only deleted once the new report is in place.
    const asideDir = `${this.tempDir}.old`;
    await fsp.rename(this.finalDir, asideDir);
    try {
      await fsp.rename(this.tempDir, this.finalDir);
    } catch (error) {
      await fsp.rename(asideDir, this.finalDir);
      throw error;
    }
    this.state = "committed";
    await removeReport(asideDir, earlier);
  }

  /** Removes the temporary folder; does nothing after commit() or a previous abort(). */
  async abort(): Promise<void> {
    if (this.state !== "open") return;
    this.state = "aborted";
    await fsp.rm(this.tempDir, { recursive: true, force: true });
    await removeEmptyFolders(this.createdParents);
  }

  private requireOpen(operation: string): void {
    if (this.state !== "open") {
      throw new OutputDirError(`${operation}() on an output folder that was already ${this.state}`);
    }
  }
}

/**
 * Returns undefined when finalDir does not exist, or the names of its entries when it is a folder we may
 * replace: empty, or a committed report (marker present, and nothing in it that the report did not write).
 * Anything else throws, so a mistyped --out never deletes somebody's files.
 */
async function checkReplaceable(finalDir: string): Promise<string[] | undefined> {
  let stats: Awaited<ReturnType<typeof fsp.lstat>>;
  try {
    stats = await fsp.lstat(finalDir);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  if (!stats.isDirectory()) {
    throw new OutputDirError(`report folder ${finalDir} exists and is not a directory`);
  }
  const entries = await fsp.readdir(finalDir, { withFileTypes: true });
  if (entries.length === 0) return [];

  let markerText: string;
  try {
    markerText = await fsp.readFile(path.join(finalDir, REPORT_MARKER_FILE), "utf8");
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    throw new OutputDirError(
      `refusing to replace ${finalDir}: it is not empty and is not a cachesim report (no ${REPORT_MARKER_FILE})`,
    );
  }
  const markerLines = markerText.split("\n");
  if (markerLines[0] !== MARKER_FIRST_LINE) {
    throw new OutputDirError(
      `refusing to replace ${finalDir}: ${REPORT_MARKER_FILE} is not a cachesim marker`,
    );
  }
  const reportFiles = new Set(markerLines.slice(1).filter((line) => line !== ""));
  reportFiles.add(REPORT_MARKER_FILE);
  const foreign = entries
    .filter((entry) => !entry.isFile() || !reportFiles.has(entry.name))
    .map((e) => e.name);
  if (foreign.length > 0) {
    throw new OutputDirError(
      `refusing to replace ${finalDir}: it holds files the earlier report did not write: ${foreign.sort().join(", ")}`,
    );
  }
  return entries.map((entry) => entry.name);
}

/** Deletes exactly the checked files, then the folder; rmdir fails rather than delete anything new. */
async function removeReport(dir: string, fileNames: string[]): Promise<void> {
  for (const fileName of fileNames) {
    await fsp.rm(path.join(dir, fileName), { force: true });
  }
  await fsp.rmdir(dir);
}

/**
 * Creates `dir` and the parents it lacks, for a folder that several runs write into (a sweep's kept
 * points). Returns what removes again those of them that are still empty, for a sweep that failed or
 * was stopped: each run removes only the folders it created itself, and runs on other threads would
 * otherwise race over the shared one.
 */
export async function makeSharedFolder(dir: string): Promise<() => Promise<void>> {
  const absoluteDir = path.resolve(dir);
  let created: string[];
  try {
    created = await makeParents(absoluteDir);
  } catch (error) {
    throw outputFailure(error, absoluteDir);
  }
  return () => removeEmptyFolders(created);
}

/** Removes the given folders, innermost first, as long as they are empty; never fails. */
async function removeEmptyFolders(outermostFirst: readonly string[]): Promise<void> {
  for (const folder of [...outermostFirst].reverse()) {
    try {
      await fsp.rmdir(folder);
    } catch {
      return;
    }
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
