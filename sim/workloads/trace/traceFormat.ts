// A trace format turns a trace file's bytes into requests. Each format is one file and a line in
// formats.ts; a scenario names it with `format:` or leaves it to the file's extension.
import type { Plugin } from "../../plugin/registry.ts";
import type { ByteSource } from "./byteSource.ts";

/** One request of a trace. Readers reuse one object: copy what you keep before the next `next()`. */
export interface TraceRecord {
  /** Recorded time in the trace's own unit; NaN when the trace has no times. */
  time: number;
  /**
   * The key when it is a small whole number written canonically ("7", not "07"), as a number from 0 to
   * KEY_IDS_MAX - 1; -1 otherwise, and then `key` names it. Most traces name keys by number (LIRS lines,
   * oracleGeneral ids): readers then skip making a string for each request, and the workload looks the
   * key up by value.
   */
  id: number;
  /** The key's name when `id` is -1 (else unspecified: the name is `String(id)`). */
  key: string;
  write: boolean;
  /** Bytes of the object; -1 when the trace does not say. */
  size: number;
  /** The node the trace names for the request; null when it names none. */
  node: string | null;
  /** The record's line or record number (1-based; see RecordReader.unit), for messages about it. */
  at: number;
}

/** A record with nothing read into it yet: no time, no key, a read, no size, no node. */
export function blankRecord(): TraceRecord {
  return { time: Number.NaN, id: -1, key: "", write: false, size: -1, node: null, at: 0 };
}

export interface RecordReader {
  /** The next request, or null at the end of the trace. Throws a trace error naming the line or record. */
  next(): TraceRecord | null;
  /** Whether records carry times (else the workload needs a rate) and node names. */
  readonly hasTimes: boolean;
  readonly hasNodes: boolean;
  /** What `at` counts: "line" for text formats, "record" for binary ones. */
  readonly unit: "line" | "record";
  close(): void;
}

/** Keys that are whole numbers below this travel as numbers (`TraceRecord.id`). */
export const KEY_IDS_MAX = 1 << 20;
/** Digits of the largest id (KEY_IDS_MAX - 1 = 1,048,575). */
export const KEY_ID_DIGITS_MAX = 7;

/** The id of a key name that is a canonical whole number below KEY_IDS_MAX, else -1. */
export function keyIdOf(name: string): number {
  const length = name.length;
  if (length === 0 || length > KEY_ID_DIGITS_MAX) return -1;
  if (length > 1 && name.charCodeAt(0) === 48) return -1; // "07" is another key than "7"
  let value = 0;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value < KEY_IDS_MAX ? value : -1;
}

export interface TraceFormatContext {
  file: string;
  bytes: ByteSource;
}

export interface TraceFormat<Options = unknown> extends Plugin<Options, TraceFormatContext, RecordReader> {
  /** The unit of the format's recorded times when the scenario does not say. */
  readonly timeUnitDefault: "s" | "ms" | "us" | "ns";
}

/** Longest line a text or CSV trace may have (in characters for CSV, bytes for text): a longer one is surely not a trace. */
export const LINE_CHARS_MAX = 1 << 20;
