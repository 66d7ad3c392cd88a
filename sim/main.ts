// The command line's entry point. `cachesim --version` is answered here, from package.json, before the
// commands and everything they use are loaded (which is most of what a start costs); any other command
// line goes to cli.ts. yargs prints the same version from the same file for `--version` elsewhere.
// Compiled, cli.ts is the CommonJS bundle dist/cli.cjs, loaded with V8's code cache (v8CodeCache.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withLazySegmenters } from "./commands/lazySegmenters.ts";
import { CODE_CACHE_STATE, loadBundle, saveWhenDone } from "./core/v8CodeCache.ts";

/** Defined by the build (sim/bin/build.js) in what it compiles; undefined when tsx runs the sources. */
declare const CACHESIM_COMPILED: boolean | undefined;

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === "--version") {
  // This file and its compiled form (dist/main.js) both sit one folder below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  console.log(pkg.version);
} else {
  // yargs first, on its own: cli.ts then finds it loaded (lazySegmenters.ts says why).
  await withLazySegmenters(() => import("yargs"));
  if (typeof CACHESIM_COMPILED === "undefined") await (await import("./cli.ts")).runCli();
  else {
    // This file's compiled form is dist/main.js, beside the bundle.
    const bundle = loadBundle(fileURLToPath(new URL("./cli.cjs", import.meta.url)));
    (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] = bundle.state;
    saveWhenDone(bundle);
    await (bundle.exports.runCli as () => Promise<void>)();
  }
}
