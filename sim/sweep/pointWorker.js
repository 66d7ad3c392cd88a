// Worker-thread entry for the sweep's pool (piscina): serves runPoint. Plain JavaScript because it is
// loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first, as
// the launcher does for the main one, and imports pointThread.ts; compiled into dist/ (where the build
// defines CACHESIM_COMPILED), it takes pointThread from the command line's bundle, dist/cli.cjs, loaded
// with a code cache of its own (core/v8CodeCache.ts), rather than some 200 compiled files one by one
// (about 250 ms), and writes that cache once its first point is done when it found none to use.
let thread;
/** Called after each point: writes the thread's code cache after its first (core/v8CodeCache.ts). */
let afterPoint = () => {};
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
  thread = await import("./pointThread.ts");
} else {
  const { loadForThread } = await import("../core/v8CodeCache.ts");
  const loaded = loadForThread(new URL("../cli.cjs", import.meta.url), "thread");
  thread = loaded.exports.pointThread;
  afterPoint = loaded.afterTask;
}
const { runPoint, listenForStop, keepBetweenRuns, loadSqlite } = thread;

// This thread runs a sweep's points one after another for as long as it lives: each point takes what
// the last one built for its sizes instead of building it again (core/betweenRuns.ts).
keepBetweenRuns();

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
  if (stop === null) {
    try {
      return await runPoint(task);
    } finally {
      afterPoint();
    }
  }
  const listener = listenForStop(stop);
  try {
    return await runPoint(task, listener.signal);
  } finally {
    listener.close();
    afterPoint();
  }
}
