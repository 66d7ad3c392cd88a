// A global-cache shard as an operation knows it: where its key went. Its own file so that an Operation
// (which names its shard) does not import the global cache, which takes Operations.
export interface Shard {
  name: string;
  ttlUs: number;
  /** Redis key prefix, `node_a:`. */
  prefix: string;
}
