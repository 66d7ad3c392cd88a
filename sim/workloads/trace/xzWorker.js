// Worker-thread side of xzSource.ts: decodes an .xz trace with xz-decompress (xz-embedded compiled to
// WebAssembly; its API is asynchronous, hence this thread) and hands the decompressed chunks to the
// main thread, which waits for them synchronously. Reads the file through the descriptor the main thread
// opened. At most WINDOW chunks are ahead of the reader, so memory stays flat whatever the file's length.
// Plain JavaScript: it runs without the TypeScript loader, so it starts quickly.
import { readSync } from "node:fs";
import { workerData } from "node:worker_threads";
import xz from "xz-decompress";

/** Compressed bytes read at a time. */
const INPUT_BYTES = 1 << 16;
/** Decompressed chunks (64 KiB each) posted and not yet taken, at most. */
const WINDOW = 8;
// Slots of the shared counters (see xzSource.ts).
const POSTED = 0;
const TAKEN = 1;
const CLOSED = 2;
/** Every xz stream starts with these six bytes. */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

const { fd, port, counters } = workerData;
let posted = 0;
let inputBytes = 0;
let inputEnded = false;
/** The first bytes of the file, to tell "not xz at all" from "xz, but cut short or corrupt". */
const head = new Uint8Array(XZ_MAGIC.length);
let headBytes = 0;

function post(message, transfer) {
  port.postMessage(message, transfer);
  posted++;
  Atomics.store(counters, POSTED, posted);
  Atomics.notify(counters, POSTED);
}

const input = new ReadableStream({
  pull(controller) {
    const buffer = new Uint8Array(INPUT_BYTES);
    const n = readSync(fd, buffer, 0, INPUT_BYTES, null);
    if (n === 0) {
      inputEnded = true;
      controller.close();
      return;
    }
    inputBytes += n;
    for (let i = 0; i < n && headBytes < head.length; i++) head[headBytes++] = buffer[i];
    controller.enqueue(buffer.subarray(0, n));
  },
});

try {
  for await (const chunk of new xz.XzReadableStream(input)) {
    if (chunk.length === 0) continue;
    post({ kind: "data", data: chunk }, [chunk.buffer]);
    // Block until the reader has taken enough. A plain wait, not Atomics.waitAsync: a pending waitAsync
    // does not keep a thread's event loop alive, and this thread has nothing else that would.
    for (;;) {
      if (Atomics.load(counters, CLOSED) !== 0) process.exit(0);
      const taken = Atomics.load(counters, TAKEN);
      if (posted - taken < WINDOW) break;
      Atomics.wait(counters, TAKEN, taken);
    }
  }
  post({ kind: "end" });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const code = /error code (\d+)/.exec(message);
  post({
    kind: "error",
    code: code === null ? null : Number(code[1]),
    message,
    inputBytes,
    inputEnded,
    isXz: headBytes === head.length && XZ_MAGIC.every((b, i) => head[i] === b),
    readFailed: error?.syscall === "read",
  });
}
