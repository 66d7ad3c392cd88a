#!/usr/bin/env node
// `npm run build` (also run by `npm install`/`npm ci` and by `npm run bench`): compiles sim/ to plain
// JavaScript in dist/, so the launcher can start without a TypeScript loader. That loader runs in a
// thread of its own and compiles every module on each start: about 35 MiB of memory and a second or
// more per run. Two outputs, both with esbuild and the project's tsconfig:
//  - File for file: each file compiled alone, imports kept as imports with `.ts` rewritten to `.js`, so
//    the tree under dist/ mirrors sim/. The worker threads (sweep/pointWorker.js, commands/mrcWorker.js,
//    workloads/trace/xzWorker.js) and the benchmark scripts run from it.
//  - The command line bundled: main.ts and cli.ts with everything they import, in a few files at the top
//    of dist/ (a command's rarely used parts, such as the HTML report, in chunks of their own, loaded when
//    it runs). Resolving and reading some 500 modules one by one was about a third of a start.
// The build goes to a fresh folder and replaces dist/ only when complete.
//
// `--types` (the `prepack` script, before `npm pack`) also writes the library's type declarations
// (dist/index.d.ts and what it names) with the TypeScript compiler; that takes a minute on a busy
// machine, so the everyday build (on install, before a benchmark) leaves it out. `npm pack` runs
// `prepare` after `prepack`: while packing, a build that is already complete is kept, not redone
// without its declarations.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { atFirstUse, englishOnly } from "./bundleTrims.js";
import {
  builtFrom,
  DIST_DIR,
  ROOT,
  SOURCE_DIR,
  STAMP_FILE,
  sourceFiles,
  sourceStamp,
} from "./sourceStamp.js";

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

/** The command line's entry points: bundled, not compiled file for file. */
const BUNDLE_ENTRIES = ["main.ts", "cli.ts"];
/** The arguments of the command line's bundle for its `import.meta.url` and its packages' import() (v8CodeCache.ts passes both). */
const BUNDLE_URL_ARGUMENT = "cachesimImportMetaUrl";
const BUNDLE_IMPORT_ARGUMENT = "cachesimImportPackage";

/**
 * `entry` with everything it imports, the packages every run loads included, as one CommonJS function
 * expression at the top of `outDir` (its name, .cjs): Node 20 keeps no code cache for ES modules, and
 * v8CodeCache.ts compiles the function as a vm.Script with one. Its `import.meta.url` and its packages'
 * import() are arguments of the function. At the top, so that the workers it starts are found as the
 * bundle's own paths say (bundleRules).
 */
async function bundleAsScript(entry, outDir) {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: path.join(outDir, `${path.basename(entry, ".ts")}.cjs`),
    bundle: true,
    // V8 keeps a script's source text for the life of the process, two bytes a character once one
    // character is outside Latin-1 (the comments' × and ≤ were): 5.5 MiB of every run's heap for a
    // 2.9 MB bundle. Without the whitespace and comments it is one-byte text, about 1.3 MB kept; any
    // licence comments of the packages go to a .LEGAL.txt file beside it.
    minifyWhitespace: true,
    legalComments: "linked",
    plugins: [atFirstUse, englishOnly, bundleRules],
    platform: "node",
    format: "cjs",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    define: {
      CACHESIM_COMPILED: "true",
      "import.meta.url": BUNDLE_URL_ARGUMENT,
      CACHESIM_BUNDLE_IMPORT: BUNDLE_IMPORT_ARGUMENT,
    },
    // esbuild opens the function's body with "use strict": the sources are ES modules, strict throughout.
    banner: {
      js: `(function (exports, require, module, __filename, __dirname, ${BUNDLE_URL_ARGUMENT}, ${BUNDLE_IMPORT_ARGUMENT}) {`,
    },
    footer: { js: "})" },
    logLevel: "warning",
    // bundleTrims.js's stand-ins find ioredis-mock's folder with require.resolve at run time, on purpose.
    logOverride: { "require-resolve-not-external": "silent" },
  });
}

/**
 * main.ts imports cli.ts only when tsx runs the sources; compiled, it loads dist/cli.cjs instead, so
 * its bundle leaves that import out.
 */
const sourcesOnly = {
  name: "sources-only",
  setup(context) {
    context.onResolve({ filter: /^\.\/cli\.ts$/ }, (args) =>
      args.importer === path.join(SOURCE_DIR, "main.ts") ? { path: "./cli.js", external: true } : undefined,
    );
  },
};
/**
 * Packages bundled into the command line (with whatever they import), because every run loads them.
 * Every other package stays an import resolved at run time: yargs reads its messages from files beside
 * its code, sql.js its WebAssembly and piscina its worker script; ioredis is shared with the live
 * backends; the rest load only for the commands that need them.
 */
const BUNDLED_PACKAGES = new Set([
  "zod",
  "yaml",
  "ioredis-mock",
  "seedrandom",
  "murmurhash",
  "csv-stringify",
  "cli-table3",
]);
const ALWAYS_EXTERNAL = new Set(["ioredis"]);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** `new URL("./x.js", import.meta.url)` with the path written relative to its source file. */
const WORKER_URL = /new URL\((["'])(\.{1,2}\/[^"']+)\1, import\.meta\.url\)/g;

const bundleRules = {
  name: "bundle-rules",
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const name = packageName(args.path);
      if (isBuiltin(args.path) || ALWAYS_EXTERNAL.has(name)) return { path: args.path, external: true };
      const fromPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`);
      return fromPackage || BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
    // Bundled code runs from a file at the top of dist/, not from its own module's place, so a file found
    // relative to its module is pointed at the same file in the file-for-file tree.
    context.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!WORKER_URL.test(text)) return undefined;
      const from = path.dirname(path.relative(SOURCE_DIR, args.path));
      const contents = text.replace(WORKER_URL, (_match, quote, relative) => {
        const target = path.posix.join(from.split(path.sep).join("/"), relative.replace(/\.ts$/, ".js"));
        return `new URL(${quote}./${target}${quote}, import.meta.url)`;
      });
      return { contents, loader: "ts" };
    });
  },
};

/** A relative import of a `.ts` file, as the sources write them: `from "./x.ts"`, `import("../y.ts")`. */
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\.ts\2/g;

/**
 * The declarations of the library's entry point (sim/index.ts) and of every module its types reach,
 * into outDir beside the JavaScript. Their imports name the `.js` files, as the compiled code's do, so
 * a project with any TypeScript module setting reads them.
 */
async function writeDeclarations(outDir) {
  const { default: ts } = await import("typescript");
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, ts.sys);
  if (config === undefined || config.errors.length > 0) throw new Error("cannot read tsconfig.json");
  const program = ts.createProgram([path.join(SOURCE_DIR, "index.ts")], {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: SOURCE_DIR,
    outDir,
  });
  const result = program.emit(undefined, (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text.replace(TS_SPECIFIER, "$1$2$3.js$2"));
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0 || result.emitSkipped) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
    throw new Error(`type declarations failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

/** What the build runs once so that dist/ starts with a code cache: a whole run, its reports included. */
const WARM_UP_SCENARIO = path.join(ROOT, "scenarios", "global-coordinator.yaml");

/**
 * Runs one scenario with the new build, with the launcher's V8 settings, so that the code cache the run
 * writes as it ends (sim/core/v8CodeCache.ts) holds what a run compiles; without it the first command
 * after a build, whichever it is, would decide what the cache holds. A failure leaves no cache and the
 * build as it is: the first command writes one instead.
 */
function writeCodeCache(dir) {
  const out = mkdtempSync(path.join(os.tmpdir(), "cachesim-build-"));
  try {
    execFileSync(
      process.execPath,
      [
        "--import",
        path.join(ROOT, "sim", "bin", "heapGrowth.js"),
        path.join(dir, "main.js"),
        "run",
        WARM_UP_SCENARIO,
        "--out",
        out,
        "--quiet",
      ],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 },
    );
  } catch (error) {
    console.warn(
      `build: no code cache written (${String(error.message).split("\n")[0]}); the first command writes it`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const packing = ["pack", "publish"].includes(process.env.npm_command ?? "");
const withTypes = packing || process.argv.includes("--types");
if (packing && builtFrom() && existsSync(path.join(DIST_DIR, "index.d.ts"))) process.exit(0);

const all = sourceFiles();
const stamp = sourceStamp(SOURCE_DIR, all);
// The launcher and this script stay in sim/bin/ and are not compiled (the stamp covers them too).
const files = all.filter((file) => !file.startsWith(`bin${path.sep}`) && !BUNDLE_ENTRIES.includes(file));
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
  // The entry point: answers a lone --version, loads yargs, then the command line's bundle below.
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(SOURCE_DIR, "main.ts")],
    outbase: SOURCE_DIR,
    outdir: staging,
    bundle: true,
    minifyWhitespace: true,
    plugins: [sourcesOnly, bundleRules],
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    define: { CACHESIM_COMPILED: "true" },
    logLevel: "warning",
  });
  // The command line, with every package it always loads, in one CommonJS function expression
  // (dist/cli.cjs), which main.ts, and a sweep's worker threads (sweep/pointWorker.js), compile with
  // V8's code cache (sim/core/v8CodeCache.ts).
  await bundleAsScript(path.join(SOURCE_DIR, "cli.ts"), staging);
  if (withTypes) await writeDeclarations(staging);
  writeFileSync(path.join(staging, path.basename(STAMP_FILE)), `${stamp}\n`);
  // The code caches written beside the bundle (cli.cjs.cache, cli.cjs.thread.cache, …, and a cache
  // half-written as `<cache>.<pid>-<thread>.partial`) belong to the machine that ran it, not the package.
  writeFileSync(path.join(staging, ".npmignore"), "*.cache\n*.partial\n");
  writeCodeCache(staging);
  rmSync(DIST_DIR, { recursive: true, force: true });
  renameSync(staging, DIST_DIR);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  throw error;
}
if (!process.argv.includes("--quiet"))
  console.log(`built ${files.length} files and the command line (${BUNDLE_ENTRIES.join(", ")}) into dist/`);
