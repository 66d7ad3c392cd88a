#!/usr/bin/env node
// `npm run build` (also run by `npm install`/`npm ci` and by `npm run bench`): compiles sim/ to plain
// JavaScript in dist/, file for file, so the launcher can start without a TypeScript loader. That
// loader runs in a thread of its own and compiles every module on each start: about 35 MiB of memory
// and a second or more per run. Each file is compiled alone (esbuild, with the project's tsconfig);
// imports stay imports, with `.ts` rewritten to `.js`, so the tree under dist/ mirrors sim/ and the
// worker files that are found relative to their module (`new URL("./x.js", import.meta.url)`) are
// where they are expected. The build goes to a fresh folder and replaces dist/ only when complete.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { DIST_DIR, ROOT, SOURCE_DIR, STAMP_FILE, sourceFiles, sourceStamp } from "./sourceStamp.js";

/** Every import stays external; relative ones are pointed at the compiled `.js` file. */
const keepImports = {
  name: "keep-imports",
  setup(context) {
    context.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const isRelative = args.path.startsWith("./") || args.path.startsWith("../");
      return { path: isRelative ? args.path.replace(/\.ts$/, ".js") : args.path, external: true };
    });
  },
};

const all = sourceFiles();
const stamp = sourceStamp(SOURCE_DIR, all);
// The launcher and this script stay in sim/bin/ and are not compiled (the stamp covers them too).
const files = all.filter((file) => !file.startsWith(`bin${path.sep}`));
const staging = `${DIST_DIR}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
try {
  await build({
    absWorkingDir: ROOT,
    entryPoints: files.map((file) => path.join(SOURCE_DIR, file)),
    outbase: SOURCE_DIR,
    outdir: staging,
    bundle: true,
    plugins: [keepImports],
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    // Lets a plain-JavaScript entry point tell whether it runs compiled (see sweep/pointWorker.js).
    define: { CACHESIM_COMPILED: "true" },
    logLevel: "warning",
  });
  writeFileSync(path.join(staging, path.basename(STAMP_FILE)), `${stamp}\n`);
  rmSync(DIST_DIR, { recursive: true, force: true });
  renameSync(staging, DIST_DIR);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  throw error;
}
if (!process.argv.includes("--quiet")) console.log(`built ${files.length} files into dist/`);
