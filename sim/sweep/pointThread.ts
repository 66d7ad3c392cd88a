// What a sweep's worker thread (pointWorker.js) runs, in one module: compiled, the thread takes it from
// the command line's bundle (cli.ts exports it), loaded with V8's code cache (core/v8CodeCache.ts),
// rather than resolving and reading some 200 files one by one.
export { loadSqlite } from "../backends/sqliteStatement.ts";
export { keepBetweenRuns } from "../core/betweenRuns.ts";
export { runPoint } from "./runPoint.ts";
export { listenForStop } from "./stopLine.ts";
