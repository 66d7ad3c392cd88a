// Guards the figures in docs/benchmark.md that come from a run rather than from a clock: the bench world
// with the 30 s global TTL that vs-simpy.py runs gives the hit and stale rates, the events and the
// stand-ins' operation counts the page quotes, so a change to the model cannot leave them stale.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScenario } from "../sim/index.ts";
import { readChapter } from "./support/docs.ts";
import { scenarioFromText } from "./support/runText.ts";
import { standInCalls } from "./support/standInCalls.ts";

/** The page with its line breaks and repeated spaces folded, so a figure may wrap. */
const page = readChapter("benchmark").replace(/\s+/g, " ");
const count = (n: number) => n.toLocaleString("en-US");

describe("docs/benchmark.md", () => {
  it("quotes the bench world's rates, events and stand-in calls as a fresh run gives them", async () => {
    // vs-simpy.py's world: scenarios/bench.yaml with the global TTL at 30 s.
    const text = readFileSync("scenarios/bench.yaml", "utf8");
    const world = text.replace("ttl: 60s", "ttl: 30s");
    expect(world).not.toBe(text);
    const result = await runScenario(scenarioFromText(world));
    const first = result.summary.rows[0];
    const all = result.summary.all;
    if (first === undefined) throw new Error("the run gave no summary rows");

    // vs-simpy.py reads the first node's row.
    const hitRate = (first.hit_rate as number).toFixed(6);
    const staleRate = (first.stale_rate as number).toFixed(6);
    expect(page).toContain(`hit rate ${hitRate} against SimPy's 0.8591, stale rate ${staleRate}`);
    expect(page).toContain(`${count(result.stats.events)} events at about 90 ns`);
    expect(page).toContain(
      `(${count(all.reads as number)} reads, ${count(all.local_hits as number)} local hits)`,
    );
    // Where the page says what the packed staleness histograms hold at the short run's peak.
    expect(page).toContain(
      `a value for each of ${count(all.stale_reads as number)} stale reads in the short run`,
    );
    const calls = standInCalls(all);
    expect(page).toContain(`| ioredis-mock \`get\` | ${count(calls.get)} |`);
    expect(page).toContain(`| ioredis-mock \`set\` | ${count(calls.set)} |`);
    expect(page).toContain(`| sql.js \`read\` | ${count(calls.read)} |`);
    expect(page).toContain(`| sql.js \`write\` | ${count(calls.write)} |`);
    // The run loads its data with one `seed` and one `fill`.
    const inAll = calls.get + calls.set + calls.read + calls.write + 2;
    expect(page).toContain(
      `| in all, with the one \`seed\` and one \`fill\` that load the data | ${count(inAll)} |`,
    );
  }, 120_000);
});
