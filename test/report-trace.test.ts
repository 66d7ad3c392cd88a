// Guards the streamed trace: rows leave in the order operations began whatever order they finish in,
// abandoned and unfinished operations never hold the rest back for good, memory follows the operations
// in flight, and the columns are declared once.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TRACE_COLUMNS, TRACE_HEADER, type TraceRow, traceColumnIndex } from "../sim/metrics/traceColumns.ts";
import { TraceLog } from "../sim/metrics/traceLog.ts";

function row(id: number): TraceRow {
  return {
    startUs: id * 10,
    node: "A",
    op: "read",
    key: `k${id}`,
    value: "v",
    version: 1,
    servedFrom: "local",
    shard: "",
    stalenessAgeUs: null,
    latencyUs: 5,
  };
}

function collector() {
  const written: string[][] = [];
  return { written, writer: { writeRow: (cells: readonly string[]) => written.push([...cells]) } };
}

describe("TraceLog", () => {
  it("writes rows in id order whatever the order they finish in, skipping ids that never finish", () => {
    // Each id either finishes (at some position in the completion order), is abandoned, or is in flight
    // at the end of the run.
    const fate = fc.constantFrom("finish", "finish", "finish", "abandon", "in-flight");
    fc.assert(
      fc.property(
        fc
          .array(fate, { maxLength: 60 })
          .chain((fates) =>
            fc.tuple(fc.constant(fates), fc.shuffledSubarray([...fates.keys()], { minLength: fates.length })),
          ),
        ([fates, order]) => {
          const { written, writer } = collector();
          const log = new TraceLog(writer, 1000);
          for (const id of order) {
            if (fates[id] === "finish") log.add(id, row(id));
            else if (fates[id] === "abandon") log.abandon(id);
          }
          log.finish();
          const expected = fates.flatMap((f, id) => (f === "finish" ? [`k${id}`] : []));
          expect(written.map((cells) => cells[traceColumnIndex("key")])).toEqual(expected);
          expect(log.waitingCount).toBe(0);
        },
      ),
    );
  });

  it("writes a row as soon as every lower id is settled, so memory follows the operations in flight", () => {
    const { written, writer } = collector();
    const log = new TraceLog(writer, 1_000_000);
    // 100,000 operations, eight in flight at a time, each batch finishing in reverse order: at most
    // seven rows ever wait, however long the run.
    let waitingMax = 0;
    for (let batch = 0; batch < 12_500; batch++) {
      for (let id = batch * 8 + 7; id >= batch * 8; id--) {
        log.add(id, row(id));
        waitingMax = Math.max(waitingMax, log.waitingCount);
      }
      expect(log.waitingCount).toBe(0);
    }
    log.finish();
    expect(written).toHaveLength(100_000);
    expect(waitingMax).toBe(7);
  });

  it("an operation in flight holds later rows only until the end of the run", () => {
    const { written, writer } = collector();
    const log = new TraceLog(writer, 100);
    log.add(1, row(1));
    log.add(2, row(2));
    expect(written).toHaveLength(0); // id 0 is still running
    log.abandon(0);
    expect(written).toHaveLength(2);
    log.add(4, row(4));
    log.finish(); // id 3 never finished
    expect(written.map((c) => c[traceColumnIndex("key")])).toEqual(["k1", "k2", "k4"]);
  });

  it("refuses to pass limits.traceRows", () => {
    const { writer } = collector();
    const log = new TraceLog(writer, 2);
    log.add(0, row(0));
    log.add(1, row(1));
    expect(() => log.add(2, row(2))).toThrow(/limit of 2 rows \(limits\.traceRows\)/);
  });
});

describe("trace columns", () => {
  it("declares each column once, with a description, in the documented order", () => {
    expect(TRACE_HEADER).toEqual([
      "time_us",
      "node",
      "op",
      "key",
      "value",
      "version",
      "served_from",
      "shard",
      "stale",
      "staleness_age_us",
      "latency_us",
    ]);
    for (const c of TRACE_COLUMNS) expect(c.description.length, c.name).toBeGreaterThan(0);
    expect(() => traceColumnIndex("nope")).toThrow(/no column nope/);
  });

  it("writes stale as true/false for reads only, and empty cells where nothing applies", () => {
    const stale = { ...row(1), stalenessAgeUs: 250 };
    const flush: TraceRow = {
      ...row(2),
      op: "flush",
      key: null,
      value: null,
      version: null,
      servedFrom: null,
      latencyUs: 0,
    };
    const cells = (r: TraceRow) => TRACE_COLUMNS.map((c) => c.cell(r));
    expect(cells(row(0))).toEqual(["0", "A", "read", "k0", "v", "1", "local", "", "false", "", "5"]);
    expect(cells(stale)).toEqual(["10", "A", "read", "k1", "v", "1", "local", "", "true", "250", "5"]);
    expect(cells(flush)).toEqual(["20", "A", "flush", "", "", "", "", "", "", "", "0"]);
  });
});
