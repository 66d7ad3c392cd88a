// Plain text: one key per line, every request a read, no times (the classic LIRS / ARC traces). Lines
// that are `*` (LIRS's separators) and blank lines are skipped; surrounding spaces are not part of the key.
import { strict } from "../../plugin/options.ts";
import { LIMITS } from "../../scenario/schema.ts";
import { Lines } from "./lines.ts";
import { traceError } from "./traceError.ts";
import type { TraceFormat, TraceRecord } from "./traceFormat.ts";

export const textFormat: TraceFormat = {
  name: "text",
  summary: "one key per line, all reads, no times; `*` and blank lines skipped (LIRS-style traces)",
  timeUnitDefault: "us",
  options: strict({}),
  create({ file, bytes }) {
    const lines = new Lines(file, bytes);
    const record: TraceRecord = { time: Number.NaN, key: "", write: false, size: -1, node: null, where: "" };
    return {
      hasTimes: false,
      hasNodes: false,
      next() {
        for (;;) {
          const line = lines.next();
          if (line === null) return null;
          const key = line.trim();
          if (key === "" || key === "*") continue;
          if (key.length > LIMITS.textChars) {
            throw traceError(
              file,
              `line ${lines.lineNumber}`,
              `a key longer than ${LIMITS.textChars} characters`,
            );
          }
          record.key = key;
          record.where = `line ${lines.lineNumber}`;
          return record;
        }
      },
      close: () => bytes.close(),
    };
  },
};
