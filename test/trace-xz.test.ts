// Guards .xz traces: decoded in a worker thread but pulled synchronously, they replay to byte-identical
// reports as the plain trace, and a cut, corrupt, empty or unsupported .xz file stops the run with the
// file and what was wrong, writing nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario } from "../sim/run/runner.ts";
import { ScenarioError } from "../sim/spec/errors.ts";
import { openByteSource } from "../sim/workloads/trace/openByteSource.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-xz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURE = path.resolve("test/fixtures/keys-50k.txt.xz");
/** What the fixture holds: made with `xz -6` from exactly these lines. */
const KEYS = Array.from({ length: 50_000 }, (_, i) => `${(i * 7919) % 5003}\n`).join("");

function scenario(file: string): string {
  return `name: xz
seed: 3
duration: 100s
strategy: local
defaults:
  cache: { capacity: 500, ttl: 0s, eviction: lru }
  network: { cache: 0us, database: 1ms }
nodes: [A, B]
workloads:
  - trace: { file: ${JSON.stringify(file)}, rate: 1000, arrival: poisson, spread: hash }
report: { interval: 10s, trace: always }
`;
}

function decompressed(file: string): string {
  const source = openByteSource(file);
  const parts: Buffer[] = [];
  for (let chunk = source.read(); chunk !== null; chunk = source.read()) parts.push(Buffer.from(chunk));
  source.close();
  return Buffer.concat(parts).toString("utf8");
}

async function failure(file: string): Promise<{ message: string; outDir: string }> {
  const outDir = path.join(dir, `out-${path.basename(file)}`);
  try {
    await runScenario(scenarioFromText(scenario(file)), { outDir });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return { message: (error as Error).message, outDir };
  }
  throw new Error(`expected the replay of ${file} to fail`);
}

describe(".xz traces", () => {
  it("decompress to exactly the bytes that were compressed, across many chunks", () => {
    const text = decompressed(FIXTURE);
    expect(text.length).toBe(KEYS.length);
    expect(text).toBe(KEYS);
  });

  it("replay to the same report, byte for byte, as the plain trace", async () => {
    const plain = path.join(dir, "keys-50k.txt");
    writeFileSync(plain, KEYS);
    const fromXz = await runToTexts(scenarioFromText(scenario(FIXTURE)));
    const fromPlain = await runToTexts(scenarioFromText(scenario(plain)));
    expect(fromXz.result.summary.at(-1)?.counters.reads).toBe(50_000);
    expect(Object.keys(fromXz.files).sort()).toEqual(Object.keys(fromPlain.files).sort());
    for (const [name, text] of Object.entries(fromPlain.files)) expect(fromXz.files[name], name).toBe(text);
  });

  it("a cut, corrupt, empty or foreign file names the file and what was wrong, and writes nothing", async () => {
    const whole = readFileSync(FIXTURE);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["cut.txt.xz", whole.subarray(0, whole.length >> 1), /it ends before the compressed stream does$/],
      [
        "corrupt.txt.xz",
        Buffer.concat([whole.subarray(0, 2000), Buffer.alloc(64, 0xa5), whole.subarray(2064)]),
        /the compressed data is corrupt$/,
      ],
      ["empty.txt.xz", new Uint8Array(0), /the file is empty/],
      ["plain.txt.xz", Buffer.from("1\n2\n3\n"), /it is not in the xz format/],
    ];
    for (const [name, bytes, reason] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      const { message, outDir } = await failure(file);
      expect(message.startsWith(`${file}: `), message).toBe(true);
      expect(message).toMatch(/cannot decompress the trace \(xz\): /);
      expect(message).toMatch(reason);
      expect(existsSync(outDir), `${name}: no report is written`).toBe(false);
    }
  });

  it("says what to do with a check the decoder does not support", async () => {
    const { message } = await failure(path.resolve("test/fixtures/sha256-check.txt.xz"));
    expect(message).toMatch(/a SHA-256 check, say: recompress with `xz --check=crc64`/);
  });

  it("a missing file is named like any other trace", async () => {
    const { message } = await failure(path.join(dir, "none.txt.xz"));
    expect(message).toMatch(/none\.txt\.xz: no such trace file$/);
  });
});
