// The caps on everything a scenario file may ask for, in one place: the schema, the loader, the
// workloads and the trace readers check against these, so a file can never make a run use unbounded
// time or memory.

/** Caps on everything in a file that could make the loader or the run use unbounded time or memory. */
export const LIMITS = {
  /**
   * A file's size. Past what yaml itself reads (yamlBytes), only bulk mappings read line by line (see
   * yamlBulk.ts) may fill it: 1,000,000 `data.values` entries of ~40 characters each fit.
   */
  fileBytes: 64 * 1024 * 1024,
  /**
   * The part of a file the yaml package parses itself: it holds ~110 bytes of heap per byte of text
   * while it parses and ~27 after, and takes ~1 s per MB (measured with yaml 2.9: 8 MiB of script ops ->
   * 900 MB, 25 s). 1 MiB keeps a file of 8 MiB within 20 times its size in memory when the rest is
   * bulk (`data.values` and `script:` lists one entry a line, read by yamlBulk.ts at ~9 times): files
   * that big are generated, and a generator can write that form.
   */
  yamlBytes: 1024 * 1024,
  nameChars: 100,
  descriptionChars: 10_000,
  /** Keys, values, prefixes: a cache key longer than this is surely a mistake. */
  textChars: 65_536,
  /** Any duration; ~a year of virtual time, far past any useful run, still exact in a double. */
  durationUs: 366 * 24 * 3_600_000_000,
  nodes: 1_000,
  databaseConnections: 1_000_000,
  shards: 1_024,
  ringPoints: 10_000,
  /**
   * shards x ringPoints: the ring is built (hashed and sorted) before the first event. 100,000 points
   * build in well under a second; 1,024 x 10,000 took 23 s and 1.4 GB.
   */
  ringPointsTotal: 100_000,
  cacheCapacity: 1_000_000_000,
  /** 1 TiB: far beyond any node's memory, still exact in a double. */
  cacheBytes: 2 ** 40,
  workloads: 1_000,
  /** Across all scripts of a file. */
  scriptOps: 1_000_000,
  dataValues: 1_000_000,
  fillCount: 10_000_000,
  keyCount: 10_000_000,
  ratePerSec: 1e8,
  requests: 1e12,
  zipfS: 10,
  lognormalSigma: 10,
  /** An `empirical` latency file's size: 1,000,000 rows of a few digits each fit well within it. */
  latencyFileBytes: 32 * 1024 * 1024,
  /** Rows of an `empirical` latency table (a file's lines after its header, or an inline list). */
  latencyRows: 1_000_000,
  /** Components of one `mixture` latency model. */
  mixtureComponents: 100,
  /** Mixtures inside mixtures: one is a mixture of plain models; deeper is a mistake long before 4. */
  mixtureDepth: 4,
  expectations: 10_000,
  eventsMax: 1e10,
  traceRowsMax: 10_000_000,
  /** (duration / report.interval) × (nodes + 1): a 1us interval over 60s would be 60M rows a node. */
  timeseriesRows: 1_000_000,
  seed: Number.MAX_SAFE_INTEGER,
} as const;
