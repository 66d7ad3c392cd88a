// Loads the command line's compiled bundle with V8's code cache. Compiling the 1.3 MB bundle, and then
// each function the first time it runs, was a fifth of a short run's time (a 10-request run of the bench
// world: 328 against 256 ms with the cache, medians of 15 alternating runs). Node 20 keeps no code cache
// for ES modules, so the bundle is a CommonJS function compiled here as a vm.Script, which takes V8's
// cached data.
//
// The cache is written beside the bundle when a command ends and none was there, or V8 rejected the one
// there (another Node or V8 version, other V8 flags, another bundle). Written when the command ends, it
// holds the bytecode of every function the command ran, so the next start compiles none of them. A
// folder that cannot be written (an installed package) only means no cache. It is written to a file of
// its own (one per process and thread: a sweep's threads may finish their first points together) and
// renamed into place, so processes starting at once each read a whole cache or none. What a
// run computes cannot depend on it: the cache holds the same bytecode V8 would compile.
import { accessSync, constants, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { threadId } from "node:worker_threads";

/** What happened to the cache at this start: read and used, absent, or rejected by V8. */
export type CodeCacheState = "used" | "absent" | "rejected";

/** Where main.ts leaves this start's CodeCacheState for `cachesim doctor` (cli.ts passes it on). */
export const CODE_CACHE_STATE = Symbol.for("cachesim.codeCacheState");

/**
 * The bundle's text is one function expression (build.js wraps it): CommonJS's five arguments, the URL
 * its `import.meta.url` stands for, and the importer its packages' import() goes through
 * (core/importPackage.ts): an import() in the script itself would find no module loader once its code
 * came from the cache. The importer is this module's own import(): it is an ES module wherever it runs
 * (in dist/main.js's bundle, or compiled alone for the worker threads), of the same install.
 */
type BundleFunction = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  importMetaUrl: string,
  importPackage: (specifier: string) => Promise<unknown>,
) => void;

export interface LoadedBundle {
  /** The bundle's exports. */
  exports: Record<string, unknown>;
  state: CodeCacheState;
  /** Writes the cache from what has been compiled so far; false if it could not be written. */
  save(): boolean;
}

/**
 * Where a bundle's cache is kept: beside it, one for each use (`kind`), since each holds the functions
 * its use runs: the command line's (`cli.cjs.cache`), a sweep's worker thread's (`cli.cjs.thread.cache`),
 * a miss-ratio curve's worker thread's (`cli.cjs.mrc.cache`).
 */
export function codeCachePath(bundleFile: string, kind = ""): string {
  return kind === "" ? `${bundleFile}.cache` : `${bundleFile}.${kind}.cache`;
}

const importPackage = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

/**
 * Compiles and runs the bundle at `bundleFile` with its cache for `kind` when there is one. `save` is
 * the caller's to call once the bundle has done its work (see saveWhenDone, loadForThread).
 */
export function loadBundle(bundleFile: string, kind = ""): LoadedBundle {
  const cacheFile = codeCachePath(bundleFile, kind);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(readFileSync(bundleFile, "utf8"), {
    filename: bundleFile,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const state: CodeCacheState =
    cachedData === undefined ? "absent" : script.cachedDataRejected === true ? "rejected" : "used";
  const run = script.runInThisContext() as BundleFunction;
  const module = { exports: {} };
  run(
    module.exports,
    createRequire(bundleFile),
    module,
    bundleFile,
    path.dirname(bundleFile),
    pathToFileURL(bundleFile).href,
    importPackage,
  );
  return {
    exports: module.exports as Record<string, unknown>,
    state,
    // Serializing takes about 10 ms; a folder that cannot be written (an installed package in a
    // read-only place) would take it at the end of every command for nothing.
    save: () => canWrite(path.dirname(cacheFile)) && writeAtomically(cacheFile, script.createCachedData()),
  };
}

/** A worker thread's bundle (see loadForThread). */
export interface ThreadBundle {
  exports: Record<string, unknown>;
  /** Called after each task: writes the cache after the first, when the thread found none it could use. */
  afterTask(): void;
}

/**
 * The bundle for a worker thread (a sweep's, a curve's), with the cache for `kind`, which is written
 * after the thread's first task so that it holds what a task compiles. The worker entries pass the
 * bundle's URL (beside them in dist/); a path does as well.
 */
export function loadForThread(bundle: string | URL, kind: string): ThreadBundle {
  const loaded = loadBundle(typeof bundle === "string" ? bundle : fileURLToPath(bundle), kind);
  let unsaved = loaded.state === "used" ? null : loaded;
  return {
    exports: loaded.exports,
    afterTask: () => {
      unsaved?.save();
      unsaved = null;
    },
  };
}

/** Writes the cache once the process ends, when this start found none it could use. */
export function saveWhenDone(bundle: LoadedBundle): void {
  if (bundle.state === "used") return;
  process.once("exit", () => bundle.save());
}

function canWrite(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function writeAtomically(file: string, data: Buffer): boolean {
  const partial = `${file}.${process.pid}-${threadId}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
    return true;
  } catch {
    rmSync(partial, { force: true });
    return false;
  }
}
