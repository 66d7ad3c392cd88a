// Plain text: one key per line, every request a read, no times (the classic LIRS / ARC traces). Lines
// that are `*` (LIRS's separators) and blank lines are skipped; surrounding spaces are not part of the key.
//
// Lines are found in the bytes, not in decoded text: a line that is a small number (the usual case) is
// read digit by digit into `id` with no string made for it, which is most of what reading costs. Any
// other line is decoded as UTF-8 (strictly) and trimmed as before. The file is read a chunk at a time;
// only the part line that straddles two chunks is copied.
import { strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import { traceError } from "./traceError.ts";
import {
  blankRecord,
  KEY_ID_DIGITS_MAX,
  KEY_IDS_MAX,
  keyIdOf,
  LINE_CHARS_MAX,
  type TraceFormat,
} from "./traceFormat.ts";

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;

export const textFormat: TraceFormat = {
  name: "text",
  summary: "one key per line, all reads, no times; `*` and blank lines skipped (LIRS-style traces)",
  timeUnitDefault: "us",
  options: strict({}),
  create({ file, bytes }) {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const record = blankRecord();
    let buf: Uint8Array = new Uint8Array(0);
    let pos = 0;
    let ended = false;
    let lineNumber = 0;

    /** Appends the next chunk to what is left of the current one; false at the end of the file. */
    const more = (): boolean => {
      if (buf.length - pos > LINE_CHARS_MAX) {
        throw traceError(file, `line ${lineNumber + 1}`, `longer than ${LINE_CHARS_MAX} bytes`);
      }
      // The source may reuse its buffer on the next read: keep a copy of the part line first.
      const rest = pos < buf.length ? buf.slice(pos) : null;
      const chunk = bytes.read();
      if (chunk === null) {
        ended = true;
        buf = rest ?? new Uint8Array(0);
      } else if (rest === null) buf = chunk;
      else {
        const joined = new Uint8Array(rest.length + chunk.length);
        joined.set(rest, 0);
        joined.set(chunk, rest.length);
        buf = joined;
      }
      pos = 0;
      return !ended;
    };

    return {
      hasTimes: false,
      hasNodes: false,
      unit: "line",
      next() {
        for (;;) {
          let end = buf.indexOf(NL, pos);
          if (end < 0) {
            if (!ended && more()) continue;
            if (pos >= buf.length) return null;
            end = buf.length; // a last line without "\n"
          }
          const start = pos;
          pos = end + 1;
          lineNumber++;
          // Spaces and tabs around a key are not part of it; "\r" ends a CRLF line.
          let s = start;
          let e = end;
          while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
          while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB || buf[e - 1] === CR)) e--;
          const digits = e - s;
          if (digits > 0 && digits <= KEY_ID_DIGITS_MAX && (digits === 1 || buf[s] !== ZERO)) {
            let value = 0;
            let i = s;
            for (; i < e; i++) {
              const d = (buf[i] as number) - ZERO;
              if (d < 0 || d > 9) break;
              value = value * 10 + d;
            }
            if (i === e && value < KEY_IDS_MAX) {
              record.id = value;
              record.at = lineNumber;
              return record;
            }
          }
          let line: string;
          try {
            line = decoder.decode(buf.subarray(start, end));
          } catch {
            throw traceError(
              file,
              `line ${lineNumber}`,
              "not valid UTF-8 text (is it a binary trace? say `format: oracleGeneral`)",
            );
          }
          const key = line.trim();
          if (key === "" || key === "*") continue;
          if (key.length > LIMITS.textChars) {
            throw traceError(file, `line ${lineNumber}`, `a key longer than ${LIMITS.textChars} characters`);
          }
          record.id = keyIdOf(key);
          record.key = key;
          record.at = lineNumber;
          return record;
        }
      },
      close: () => bytes.close(),
    };
  },
};
