// Test runner settings. Timeouts are generous because several tests start the CLI as a child process
// (which compiles TypeScript on start) and the golden test runs the 1,000,000-request benchmark scenario;
// on a loaded machine those take many seconds. Timeouts here catch hangs, they are not speed targets.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // examples/ import the library by its package name, as a user's tests do; in the repository that is
  // the sources (the installed package's exports point at dist/, see test/package.test.ts).
  resolve: { alias: { cachesim: fileURLToPath(new URL("./sim/index.ts", import.meta.url)) } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
