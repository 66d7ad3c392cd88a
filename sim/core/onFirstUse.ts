// A package loaded the first time it is used rather than when the program starts. Every module of the
// CLI is imported at start-up, so a package only some runs need (trace decompressors, the CSV reader,
// the sweep's worker pool and statistics, the progress bar) would otherwise cost every run its memory
// (7-18 MiB each group) and start-up time. Loading is synchronous (these packages ship CommonJS), so
// callers stay synchronous; types come from `import type`.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
