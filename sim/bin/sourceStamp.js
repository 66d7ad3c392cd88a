// A fingerprint of the TypeScript sources: every file under sim/ with its size and modification time.
// The build writes it beside its output, and the launcher compares it with today's sources, so a
// precompiled build is used only while it was built from exactly the files on disk. Plain JavaScript:
// the launcher needs it before any TypeScript loader is registered. It runs on every start, so it is
// kept cheap: one recursive directory read and one stat a file (about 240 files), and the stamp is the
// listing itself (about 10 KB), compared as a string, rather than a hash that would load node:crypto.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in sim/bin/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SOURCE_DIR = path.join(ROOT, "sim");
export const DIST_DIR = path.join(ROOT, "dist");
export const STAMP_FILE = path.join(DIST_DIR, ".source-stamp");

/** Source files under dir (TypeScript and the few plain-JavaScript entry points), sorted. */
export function sourceFiles(dir = SOURCE_DIR) {
  // Plain string work, not path.join/relative per entry: this runs on every start.
  const prefix = dir.length + 1;
  const files = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const name = entry.name;
    if (entry.isFile() && (name.endsWith(".ts") || name.endsWith(".js"))) {
      files.push(`${entry.parentPath ?? entry.path}${path.sep}${name}`.slice(prefix));
    }
  }
  return files.sort();
}

/** Every source file's path, size and modification time, one line each. */
export function sourceStamp(dir = SOURCE_DIR, files = sourceFiles(dir)) {
  let stamp = "";
  for (const file of files) {
    const stat = statSync(`${dir}${path.sep}${file}`);
    stamp += `${file}\0${stat.size}\0${stat.mtimeMs}\n`;
  }
  return stamp;
}

/** Whether the build whose stamp is in stampFile was made from exactly the files now under dir. */
export function builtFrom(dir = SOURCE_DIR, stampFile = STAMP_FILE) {
  if (!existsSync(stampFile)) return false;
  return readFileSync(stampFile, "utf8").trimEnd() === sourceStamp(dir).trimEnd();
}

/**
 * What the launcher runs, and why: "package" (an installed package, which ships dist/ and no sources),
 * "current" (dist/ built from today's sources), "forced" (CACHESIM_FROM_SOURCE=1), "missing" (no build
 * yet) or "stale" (dist/ built from other sources). The first two run dist/; the others run the
 * TypeScript sources through tsx, which is slower to start and to run and takes more memory.
 */
export function buildState(env = process.env, dir = SOURCE_DIR, stampFile = STAMP_FILE) {
  if (!existsSync(path.join(dir, "cli.ts"))) return "package";
  if (env.CACHESIM_FROM_SOURCE === "1") return "forced";
  if (!existsSync(stampFile)) return "missing";
  return builtFrom(dir, stampFile) ? "current" : "stale";
}

/** Whether buildState's answer means dist/ runs. */
export function runsBuild(state) {
  return state === "package" || state === "current";
}

/** Where the launcher leaves its buildState for `cachesim doctor` (the CLI reads it; nothing else). */
export const BUILD_STATE = Symbol.for("cachesim.buildState");
