// Scratch folders for one test file: each is made when a test first asks for it and removed once the
// file's tests are over. Made lazily because vitest runs no hooks for a file whose tests all skip (the
// live tests without a server), so a folder made as the file loads would be left behind.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

/** A maker of fresh folders named PREFIX… in the system's temporary folder, all removed after the file's tests. */
export function scratchFolders(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** One folder for the whole file, made on the first call and the same on every later one. */
export function scratchFolder(prefix: string): () => string {
  const fresh = scratchFolders(prefix);
  let dir: string | undefined;
  return () => {
    dir ??= fresh();
    return dir;
  };
}
