// Lines of a text trace, decoded as UTF-8 a chunk at a time, numbered from 1, without their "\n" or
// "\r\n". Holds one chunk and the part line that straddles it, never the file.
import type { ByteSource } from "./byteSource.ts";
import { traceError } from "./traceError.ts";
import { LINE_CHARS_MAX } from "./traceFormat.ts";

export class Lines {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private text = "";
  private pos = 0;
  private ended = false;
  /** Number of the line last returned. */
  lineNumber = 0;

  constructor(
    private readonly file: string,
    private readonly bytes: ByteSource,
  ) {}

  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf("\n", this.pos);
      if (nl >= 0) {
        const end = nl > this.pos && this.text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const line = this.text.slice(this.pos, end);
        this.pos = nl + 1;
        this.lineNumber++;
        return line;
      }
      if (this.ended) {
        if (this.pos >= this.text.length) return null;
        const line = this.text.slice(this.pos);
        this.pos = this.text.length;
        this.lineNumber++;
        return line.endsWith("\r") ? line.slice(0, -1) : line;
      }
      const rest = this.text.slice(this.pos);
      if (rest.length > LINE_CHARS_MAX) {
        throw traceError(
          this.file,
          `line ${this.lineNumber + 1}`,
          `longer than ${LINE_CHARS_MAX} characters`,
        );
      }
      const chunk = this.bytes.read();
      let decoded: string;
      try {
        decoded = chunk === null ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
      } catch {
        throw traceError(
          this.file,
          `line ${this.lineNumber + 1}`,
          "not valid UTF-8 text (is it a binary trace? say `format: oracleGeneral`)",
        );
      }
      if (chunk === null) this.ended = true;
      this.text = rest + decoded;
      this.pos = 0;
    }
  }
}
