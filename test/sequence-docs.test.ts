// Guards the sequence diagrams: the pictures under docs/ are what a fresh run draws (npm run
// docs:sequences makes them again), each marks what its story is about (the stale reads of
// local-stale, the late fill of the race, the voided lease fill), and recording the messages for a
// diagram changes none of the run's reports.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SequenceLog } from "../sim/metrics/sequenceLog.ts";
import { runScenario } from "../sim/run/runner.ts";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { loadScenario } from "../sim/scenario/load.ts";
import { SEQUENCE_PICTURES, sequencePicture } from "../sim/tools/sequencePictures.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sequence-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const marks = (svg: string, kind: string) => svg.split(`data-mark="${kind}"`).length - 1;

describe("the sequence diagrams under docs/", { timeout: 120_000 }, () => {
  for (const picture of SEQUENCE_PICTURES) {
    it(`${picture.svg} is a fresh drawing of ${picture.scenario} (npm run docs:sequences)`, async () => {
      expect(readFileSync(picture.svg, "utf8")).toBe(await sequencePicture(picture.scenario));
    });
  }

  it("marks each story's point", () => {
    const local = readFileSync("docs/sequence-local-stale.svg", "utf8");
    expect(marks(local, "stale")).toBe(3);
    expect(local).toContain("STALE: the value had been superseded 4 ms before the read began");
    const race = readFileSync("docs/sequence-cache-aside-race.svg", "utf8");
    expect(marks(race, "stale")).toBe(1);
    expect(race).toContain("SET User:1 = old v1");
    const lease = readFileSync("docs/sequence-cache-aside-lease.svg", "utf8");
    expect(marks(lease, "stale")).toBe(0);
    expect(marks(lease, "refused")).toBe(1);
    expect(marks(lease, "lease_voided_fills")).toBe(1);
    expect(marks(readFileSync("docs/sequence-global-coordinator.svg", "utf8"), "stale")).toBe(0);
  });
});

describe("recording messages", { timeout: 120_000 }, () => {
  for (const file of ["scenarios/patterns/near-broadcast-lost.yaml", "scenarios/faults/partition.yaml"]) {
    it(`leaves the reports of ${file} byte-identical, and keeps its lost messages`, async () => {
      const scenario = loadScenario(file, knownNames());
      const plain = path.join(tmp, `${path.basename(file)}-plain`);
      const drawn = path.join(tmp, `${path.basename(file)}-drawn`);
      const plainResult = await runScenario(scenario, { outDir: plain });
      const log = new SequenceLog(100_000);
      const drawnResult = await runScenario(scenario, { outDir: drawn, sequence: log });
      expect(drawnResult.files).toEqual(plainResult.files);
      for (const name of plainResult.files) {
        expect(readFileSync(path.join(drawn, name), "utf8"), name).toBe(
          readFileSync(path.join(plain, name), "utf8"),
        );
      }
      expect(log.overflowed).toBe(false);
      const lost = log.rows.filter((r) => r[1] === "message" && r[6] === "");
      expect(lost.length).toBeGreaterThan(0);
    });
  }

  it("keeps nothing past its bound", async () => {
    const log = new SequenceLog(5);
    await runScenario(loadScenario("scenarios/local-stale.yaml", knownNames()), {
      outDir: path.join(tmp, "bounded"),
      sequence: log,
    });
    expect(log.overflowed).toBe(true);
    expect(log.rows).toEqual([]);
  });
});
