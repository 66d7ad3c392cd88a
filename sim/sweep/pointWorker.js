// Worker-thread entry for the sweep's pool (piscina): serves runPoint. Plain JavaScript because it is
// loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first, as
// the launcher does for the main one, and imports pointThread.ts; compiled into dist/ (where the build
// defines CACHESIM_COMPILED), it takes pointThread from the command line's bundle, dist/cli.cjs, loaded
// with a code cache of its own (core/v8CodeCache.ts), rather than some 200 compiled files one by one
// (about 250 ms), and writes that cache once its first point is done when it found none to use.
let thread;
/** The bundle, while its code cache is still to be written; null once written or when it was used. */
let unsaved = null;
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
  thread = await import("./pointThread.ts");
} else {
  const { loadBundle } = await import("../core/v8CodeCache.ts");
  const { fileURLToPath } = await import("node:url");
  // The bundle's packages are imported from here, an ES module of the same install.
  const bundle = loadBundle(
    fileURLToPath(new URL("../cli.cjs", import.meta.url)),
    (specifier) => import(specifier),
    "thread",
  );
  thread = bundle.exports.pointThread;
  if (bundle.state !== "used") unsaved = bundle;
}
const { runPoint, listenForStop, keepBetweenRuns, loadSqlite } = thread;

// This thread runs a sweep's points one after another for as long as it lives: each point takes what
// the last one built for its sizes instead of building it again (core/betweenRuns.ts).
keepBetweenRuns();

/** After the thread's first point: the cache then holds what a point compiles. */
function saveOnce() {
  if (unsaved === null) return;
  unsaved.save();
  unsaved = null;
}

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
      saveOnce();
    }
  }
  const listener = listenForStop(stop);
  try {
    return await runPoint(task, listener.signal);
  } finally {
    listener.close();
    saveOnce();
  }
}
