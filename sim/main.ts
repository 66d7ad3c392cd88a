// The command line's entry point. `cachesim --version` is answered here, from package.json, before the
// commands and everything they use are loaded (which is most of what a start costs); any other command
// line goes to cli.ts. yargs prints the same version from the same file for `--version` elsewhere.
import { readFileSync } from "node:fs";
import { withLazySegmenters } from "./commands/lazySegmenters.ts";

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
  await import("./cli.ts");
}
