// A fingerprint of the TypeScript sources: every file under sim/ with its size and modification time.
// The build writes it beside its output, and the launcher compares it with today's sources, so a
// precompiled build is used only while it was built from exactly the files on disk. Plain JavaScript:
// the launcher needs it before any TypeScript loader is registered.
import { createHash } from "node:crypto";
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
  const files = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(ts|js)$/.test(entry.name)) {
      files.push(path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)));
    }
  }
  return files.sort();
}

/** One hash over every source file's path, size and modification time (a few hundred stat calls). */
export function sourceStamp(dir = SOURCE_DIR, files = sourceFiles(dir)) {
  const hash = createHash("sha256");
  for (const file of files) {
    const stat = statSync(path.join(dir, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** Whether the build whose stamp is in stampFile was made from exactly the files now under dir. */
export function builtFrom(dir = SOURCE_DIR, stampFile = STAMP_FILE) {
  if (!existsSync(stampFile)) return false;
  return readFileSync(stampFile, "utf8").trim() === sourceStamp(dir);
}
