// Writes trace.txt, the synthetic trace the eviction golden test replays: `npx tsx
// test/golden/eviction/make-trace.ts`. Deterministic (a seeded Alea stream), so the file can always be
// made again and the test checks that it is. 20,000 requests over 2,000 keys: Zipf(0.9) popularity with
// two sequential scans of 600 cold keys (to exercise scan resistance), each key with a fixed size of
// 16 to 400 bytes. Lines are `key size`.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import seedrandom from "seedrandom";

const REQUESTS = 20_000;
const KEYS = 2_000;
const SKEW = 0.9;

export function syntheticTrace(): string {
  const rng = seedrandom.alea("cachesim:eviction-golden");
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= KEYS; k++) {
    total += 1 / k ** SKEW;
    cumulative.push(total);
  }
  const sizeOf = (k: number) => 16 + ((Math.imul(k + 1, 2654435761) >>> 0) % 385);
  const lines: string[] = [];
  const scanAt = new Set([6_000, 14_000]);
  while (lines.length < REQUESTS) {
    if (scanAt.has(lines.length)) {
      for (let s = 0; s < 600 && lines.length < REQUESTS; s++)
        lines.push(`scan${lines.length}_${s} ${sizeOf(KEYS + s)}`);
      continue;
    }
    const u = rng.double() * total;
    let lo = 0;
    let hi = KEYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    lines.push(`k${lo} ${sizeOf(lo)}`);
  }
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "trace.txt");
  writeFileSync(out, syntheticTrace());
  console.log(`wrote ${out}`);
}
