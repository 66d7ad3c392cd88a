// Test runner settings. Timeouts are generous because several tests start the CLI as a child process
// (which compiles TypeScript on start) and the golden test runs the 1,000,000-request benchmark scenario;
// on a loaded machine those take many seconds. Timeouts here catch hangs, they are not speed targets.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
