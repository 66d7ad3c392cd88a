// What the command line's bundle (build.js) leaves out of its own text: esbuild plugins. V8 parses a
// module's whole text when it loads and keeps it for the life of the process, so code a run never calls
// still costs start-up time and memory in every run and every sweep point. Plain JavaScript, for build.js
// and for test/bundle-trims.test.ts, which bundles a small entry with them and runs it.
import path from "node:path";
import { SOURCE_DIR } from "./sourceStamp.js";

/**
 * What the bundle loads from node_modules only if a run asks for it:
 *  - fengari and fengari-interop, the Lua interpreter ioredis-mock loads when it loads, though it runs
 *    Lua only for EVAL and defineCommand scripts, which the in-process store never sends (its
 *    conditional operations are JavaScript, conditionalOps.ts): 320 KB. ioredis-mock's imports of them
 *    are answered by stand-ins (lazyPackage.js) that load the real package the first time anything of
 *    it is used. What the mock does is unchanged.
 *  - ioredis-mock's tables for the COMMAND command (`command-docs.json`, `command-info.json`): 280 KB,
 *    which it requires only when that command is sent.
 * Each is found at run time from where ioredis-mock is installed, as ioredis-mock itself would find it
 * (its tables by the package's own name, which resolves to the same folder).
 */
const AT_FIRST_USE = new Map([
  ["fengari", "fengari"],
  ["fengari-interop", "fengari-interop"],
  ["../data/command-docs.json", "ioredis-mock/data/command-docs.json"],
  ["../data/command-info.json", "ioredis-mock/data/command-info.json"],
]);
const LAZY_PACKAGE_FILE = path.join(SOURCE_DIR, "bin", "lazyPackage.js");
const fromMockImporter = `${path.sep}node_modules${path.sep}ioredis-mock${path.sep}`;
export const atFirstUse = {
  name: "at-first-use",
  setup(context) {
    const filter = new RegExp(
      `^(${[...AT_FIRST_USE.keys()].map((k) => k.replace(/[.]/g, "\\.")).join("|")})$`,
    );
    context.onResolve({ filter }, (args) => {
      if (!args.importer.includes(fromMockImporter)) return undefined;
      return { path: AT_FIRST_USE.get(args.path), namespace: "at-first-use" };
    });
    context.onLoad({ filter: /.*/, namespace: "at-first-use" }, (args) => {
      // Resolved from ioredis-mock's own folder, so a copy of fengari nested under it is found too.
      const find =
        `const { createRequire } = require("node:module");\n` +
        `const fromMock = createRequire(require.resolve("ioredis-mock"));\n` +
        `const load = () => fromMock(${JSON.stringify(args.path)});\n`;
      // A table is required where the command needs it, so it loads then; a package is taken apart
      // when the mock loads, so it is a stand-in until a part of it is used.
      const exported = args.path.endsWith(".json")
        ? "load()"
        : `require(${JSON.stringify(LAZY_PACKAGE_FILE)}).lazyPackage(load)`;
      return { resolveDir: SOURCE_DIR, loader: "js", contents: `${find}module.exports = ${exported};\n` };
    });
  },
};

/**
 * zod's namespace carries every one of its 40-odd message locales (300 KB) for `z.config(z.locales.xx())`;
 * scenario errors are cachesim's own English messages and nothing selects a locale, so the bundle's
 * `locales` holds English alone, the one zod registers by default.
 */
export const englishOnly = {
  name: "english-only",
  setup(context) {
    context.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`)) return undefined;
      return {
        path: path.join(path.dirname(args.importer), "..", "locales", "en.js"),
        namespace: "english-only",
      };
    });
    context.onLoad({ filter: /.*/, namespace: "english-only" }, (args) => ({
      resolveDir: path.dirname(args.path),
      loader: "js",
      contents: `export { default as en } from ${JSON.stringify(args.path)};\n`,
    }));
  },
};
