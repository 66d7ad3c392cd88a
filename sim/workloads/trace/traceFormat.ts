// A trace format turns a trace file's bytes into requests. Each format is one file and a line in
// formats.ts; a scenario names it with `format:` or leaves it to the file's extension.
import type { Plugin } from "../../plugin/registry.ts";
import type { ByteSource } from "./byteSource.ts";

/** One request of a trace. Readers reuse one object: copy what you keep before the next `next()`. */
export interface TraceRecord {
  /** Recorded time in the trace's own unit; NaN when the trace has no times. */
  time: number;
  key: string;
  write: boolean;
  /** Bytes of the object; -1 when the trace does not say. */
  size: number;
  /** The node the trace names for the request; null when it names none. */
  node: string | null;
  /** "line 12" or "record 7", for messages about this record. */
  where: string;
}

export interface RecordReader {
  /** The next request, or null at the end of the trace. Throws a trace error naming the line or record. */
  next(): TraceRecord | null;
  /** Whether records carry times (else the workload needs a rate) and node names. */
  readonly hasTimes: boolean;
  readonly hasNodes: boolean;
  close(): void;
}

export interface TraceFormatContext {
  file: string;
  bytes: ByteSource;
}

export interface TraceFormat<Options = unknown> extends Plugin<Options, TraceFormatContext, RecordReader> {
  /** The unit of the format's recorded times when the scenario does not say. */
  readonly timeUnitDefault: "s" | "ms" | "us" | "ns";
}

/** Longest line a text or CSV trace may have: a longer one is surely not a trace. */
export const LINE_CHARS_MAX = 1 << 20;
