// The decompressed bytes of an .xz trace, pulled synchronously like every other byte source.
//
// Node has no xz decoder of its own, and the well-kept portable one (xz-decompress: xz-embedded compiled
// to WebAssembly, no native build, runs on Node 16+) only offers an asynchronous stream. The trace reader
// must pull synchronously (a request is read from inside the event that issues the one before it), so
// the decoder runs in a worker thread (xzWorker.js) and this side waits for each chunk: the worker posts
// chunks on a MessagePort and bumps a shared counter; this thread sleeps on the counter (Atomics.wait)
// and takes the chunk with receiveMessageOnPort, which needs no event-loop turn. The worker stays at
// most a few 64 KiB chunks ahead, so memory is flat whatever the file's length.
import { closeSync } from "node:fs";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ByteSource } from "./byteSource.ts";
import { openTraceFile } from "./openTraceFile.ts";
import { traceError } from "./traceError.ts";

// Slots of the shared counters: messages the worker posted, data chunks this side took, and whether
// this side has closed (the worker then stops).
const POSTED = 0;
const TAKEN = 1;
const CLOSED = 2;
/**
 * How long to wait for the decoder's next chunk before giving up on it. Decoding 64 KiB takes
 * milliseconds; this only catches a worker that died without a word (killed, out of memory).
 */
const STALL_MS = 60_000;

type WorkerMessage =
  | { kind: "data"; data: Uint8Array }
  | { kind: "end" }
  | {
      kind: "error";
      code: number | null;
      message: string;
      inputBytes: number;
      inputEnded: boolean;
      /** Whether the file starts with the xz magic bytes. */
      isXz: boolean;
      readFailed: boolean;
    };

// xz-embedded's return codes (xz.h), as a user can act on them.
const XZ_REASONS: Record<number, string> = {
  2: "it uses an integrity check the decoder does not know",
  3: "the decoder ran out of memory",
  4: "it needs a dictionary larger than the decoder allows",
  5: "it is not in the xz format (no xz header)",
  6: "it uses xz options the decoder does not support (a SHA-256 check, say: recompress with `xz --check=crc64`)",
  7: "the compressed data is corrupt",
};

export class XzSource implements ByteSource {
  private readonly fd: number;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counters = new Int32Array(new SharedArrayBuffer(12));
  private received = 0;
  private taken = 0;
  private done = false;
  private closed = false;

  constructor(private readonly file: string) {
    this.fd = openTraceFile(file);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    try {
      this.worker = new Worker(new URL("./xzWorker.js", import.meta.url), {
        workerData: { fd: this.fd, port: port2, counters: this.counters },
        transferList: [port2],
        // The worker is plain JavaScript: it needs none of the loaders this thread was started with.
        execArgv: [],
        stdout: false,
        stderr: false,
      });
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
    // Never keep the process alive for it: a run that stops early closes it, one that fails exits.
    this.worker.unref();
  }

  read(): Uint8Array | null {
    if (this.done) return null;
    for (;;) {
      const got = receiveMessageOnPort(this.port) as { message: WorkerMessage } | undefined;
      if (got === undefined) {
        if (Atomics.wait(this.counters, POSTED, this.received, STALL_MS) === "timed-out") {
          this.close();
          throw traceError(this.file, "", "cannot decompress the trace (xz): the decoder stopped answering");
        }
        continue;
      }
      this.received++;
      const message = got.message;
      if (message.kind === "data") {
        this.taken++;
        Atomics.store(this.counters, TAKEN, this.taken);
        Atomics.notify(this.counters, TAKEN);
        return message.data;
      }
      this.close();
      if (message.kind === "end") return null;
      throw traceError(this.file, "", `cannot decompress the trace (xz): ${reasonOf(message)}`);
    }
  }

  close(): void {
    this.done = true;
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.counters, CLOSED, 1);
    Atomics.notify(this.counters, TAKEN);
    this.port.close();
    // terminate() only asks; the descriptor is closed when the worker has stopped reading from it.
    void this.worker.terminate().finally(() => closeSync(this.fd));
  }
}

function reasonOf(m: Extract<WorkerMessage, { kind: "error" }>): string {
  if (m.readFailed) return `cannot read the file: ${m.message}`;
  if (m.inputEnded && m.inputBytes === 0) return "the file is empty (an .xz file starts with an xz header)";
  if (!m.isXz) return XZ_REASONS[5] as string;
  if (m.code !== null && XZ_REASONS[m.code] !== undefined) return XZ_REASONS[m.code] as string;
  // xz-embedded says "buffer error" (8) when it needs input that is not there: the file is cut short.
  if (m.inputEnded) return "it ends before the compressed stream does";
  return m.message;
}
