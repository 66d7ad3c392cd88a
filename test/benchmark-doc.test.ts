// Guards the figures in docs/benchmark.md that come from a run rather than from a clock: the bench world
// with the 30 s global TTL that vs-simpy.py runs gives the hit and stale rates, the events and the
// stand-ins' operation counts the page quotes, so a change to the model cannot leave them stale.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../sim/index.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-benchmark-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page with its line breaks and repeated spaces folded, so a figure may wrap. */
const page = readFileSync("docs/benchmark.md", "utf8").replace(/\s+/g, " ");
const count = (n: number) => n.toLocaleString("en-US");

describe("docs/benchmark.md", () => {
  it("quotes the bench world's rates, events and stand-in calls as a fresh run gives them", async () => {
    // vs-simpy.py's world: scenarios/bench.yaml with the global TTL at 30 s.
    const text = readFileSync("scenarios/bench.yaml", "utf8");
    const world = text.replace("ttl: 60s", "ttl: 30s");
    expect(world).not.toBe(text);
    const file = path.join(dir, "bench30.yaml");
    writeFileSync(file, world);
    const result = await runScenario(await loadScenario(file));
    const first = result.summary.rows[0];
    const all = result.summary.all;
    if (first === undefined) throw new Error("the run gave no summary rows");
    const reads = all.reads as number;
    const localHits = all.local_hits as number;
    const dbReads = all.db_reads as number;
    const writes = all.writes as number;

    // vs-simpy.py reads the first node's row.
    const hitRate = (first.hit_rate as number).toFixed(6);
    const staleRate = (first.stale_rate as number).toFixed(6);
    expect(page).toContain(`hit rate ${hitRate} against SimPy's 0.8591, stale rate ${staleRate}`);
    expect(page).toContain(`${count(result.stats.events)} events at about 90 ns`);
    expect(page).toContain(`(${count(reads)} reads, ${count(localHits)} local hits)`);
    const gets = reads - localHits;
    const sets = dbReads + writes;
    expect(page).toContain(`| ioredis-mock \`get\` | ${count(gets)} |`);
    expect(page).toContain(`| ioredis-mock \`set\` | ${count(sets)} |`);
    expect(page).toContain(`| sql.js \`read\` | ${count(dbReads)} |`);
    expect(page).toContain(`| sql.js \`write\` | ${count(writes)} |`);
    // The run loads its data with one `seed` and one `fill`.
    expect(page).toContain(
      `| in all, with the one \`seed\` and one \`fill\` that load the data | ${count(gets + sets + dbReads + writes + 2)} |`,
    );
  }, 120_000);
});
