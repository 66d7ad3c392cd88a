// Worker-thread entry for the sweep's pool (piscina): serves runPoint. Plain JavaScript because it is
// loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first, as
// the launcher does for the main one; compiled into dist/ (where the build defines CACHESIM_COMPILED),
// its sibling is already JavaScript.
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
}
const { runPoint } = await import("./runPoint.ts");
const { listenForStop } = await import("./stopLine.ts");
const { keepBetweenRuns } = await import("../core/betweenRuns.ts");

// This thread runs a sweep's points one after another for as long as it lives: each point takes what
// the last one built for its sizes instead of building it again (core/betweenRuns.ts).
keepBetweenRuns();

const { loadSqlite } = await import("../backends/sqliteStatement.ts");

/**
 * A point, as `{ task, stop }`: `stop` is the pool's stop line (stopLine.ts), which ends the point as a
 * run told to stop ends, or null when the pool's owner stops points by ending their thread.
 * `{ ready: true }` answers once the thread can run a point at full speed: its modules loaded (above)
 * and SQLite's WebAssembly compiled, which its first point would otherwise do.
 */
export default async function point({ task, stop, ready }) {
  if (ready === true) {
    await loadSqlite();
    return true;
  }
  if (stop === null) return runPoint(task);
  const listener = listenForStop(stop);
  try {
    return await runPoint(task, listener.signal);
  } finally {
    listener.close();
  }
}
