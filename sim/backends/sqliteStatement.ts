// A prepared SQLite statement for the in-process store's point reads and writes, run through SQLite's
// own C functions in sql.js's WebAssembly, where sql.js's Statement wrapper cost more than SQLite: each
// text it binds is copied into a fresh JavaScript array of bytes and then a fresh malloc'd block, each
// row comes back as a new array, and each column goes through a generic converter. About a tenth of
// everything a run of the bench world allocated was sql.js's rows.
//
// The same SQLite, the same database (sql.js's Database opens and owns it), the same text encoding as
// sql.js's (see bindText) and the same conversions back (see textAt, numberAt); only the wrapper is
// skipped. It needs the WebAssembly memory, which sql.js does not expose, so sql.js is started with
// Emscripten's documented `instantiateWasm` hook, which hands us the instance it runs. sql.js starts
// once per process, though: if something else in the process started it first, without the hook,
// statements go through sql.js's own Statement instead (WrappedStatement: slower, the same answers).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from "sql.js";

/** The C functions of sql.js's build that statements call (exported by it, untyped in @types/sql.js). */
interface SqliteCalls {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _sqlite3_prepare_v2(db: number, sql: number, bytes: number, statementOut: number, tailOut: number): number;
  _sqlite3_bind_text(
    statement: number,
    index: number,
    text: number,
    bytes: number,
    destructor: number,
  ): number;
  _sqlite3_bind_int(statement: number, index: number, value: number): number;
  _sqlite3_bind_double(statement: number, index: number, value: number): number;
  _sqlite3_step(statement: number): number;
  _sqlite3_reset(statement: number): number;
  _sqlite3_clear_bindings(statement: number): number;
  _sqlite3_finalize(statement: number): number;
  _sqlite3_column_type(statement: number, column: number): number;
  _sqlite3_column_text(statement: number, column: number): number;
  _sqlite3_column_bytes(statement: number, column: number): number;
  _sqlite3_column_double(statement: number, column: number): number;
  _sqlite3_errmsg(db: number): number;
  stringToNewUTF8(text: string): number;
  lengthBytesUTF8(text: string): number;
  UTF8ToString(pointer: number, maxBytes?: number, ignoreNul?: boolean): string;
}

/** sql.js, with its WebAssembly memory when this module started it. */
export interface SqliteRuntime {
  readonly SQL: SqlJsStatic;
  readonly calls: SqliteCalls;
  readonly memory: WebAssembly.Memory | null;
}

/** A point statement: parameters bound by index (from 1), a row's columns read by index (from 0). */
export interface PointStatement {
  bindText(index: number, text: string): void;
  bindNumber(index: number, value: number): void;
  /** Runs the statement to its next row: true for a row, false when done. */
  step(): boolean;
  /** A text column of the current row, or null for NULL. */
  textAt(column: number): string | null;
  numberAt(column: number): number;
  /** Ready for the next binding. */
  reset(): void;
  /** Before the database closes. A second call does nothing. */
  finalize(): void;
}

/** The statement for `sql` on `database`: through SQLite's C functions when it can, else sql.js's. */
export function prepareStatement(rt: SqliteRuntime, database: Database, sql: string): PointStatement {
  const db = (database as unknown as { db: unknown }).db;
  if (rt.memory !== null && typeof db === "number" && db !== 0)
    return new SqliteStatement(rt.calls, rt.memory, db, sql);
  return new WrappedStatement(database.prepare(sql));
}

const SQLITE_OK = 0;
const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_NULL = 5;
/** SQLITE_STATIC: SQLite reads the bound bytes where they are, until the statement is reset. */
const STATIC = 0;

let runtime: Promise<SqliteRuntime> | null = null;

/** sql.js compiles its WebAssembly once per process; every run after the first reuses it. */
export function loadSqlite(): Promise<SqliteRuntime> {
  runtime ??= startSqlite();
  return runtime;
}

async function startSqlite(): Promise<SqliteRuntime> {
  const wasm = await readFile(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm"));
  let memory: WebAssembly.Memory | null = null;
  const SQL = await initSqlJs({
    instantiateWasm(imports, receive) {
      // Compiled here, so only when sql.js starts now. Thrown here, an error rejects initSqlJs's promise.
      const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports);
      for (const value of Object.values(instance.exports))
        if (value instanceof WebAssembly.Memory) memory = value;
      receive(instance);
      return {};
    },
  });
  // Still null if sql.js had been started before (initSqlJs answers every call after the first with
  // the first one's module, and never calls this hook).
  return { SQL, calls: SQL as unknown as SqliteCalls, memory };
}

/** A run of memory in the WebAssembly heap that a parameter's bytes are written into, grown on demand. */
interface Scratch {
  pointer: number;
  bytes: number;
}

export class SqliteStatement implements PointStatement {
  private readonly calls: SqliteCalls;
  private readonly memory: WebAssembly.Memory;
  private readonly db: number;
  private readonly statement: number;
  /** A view of the heap; a new one once the heap has grown (the old buffer is then detached). */
  private heap: Uint8Array;
  private readonly scratch: Scratch[] = [];
  /** Blocks of non-ASCII text, freed at reset as sql.js frees its bound texts. */
  private readonly bound: number[] = [];
  private finalized = false;

  constructor(calls: SqliteCalls, memory: WebAssembly.Memory, db: number, sql: string) {
    this.calls = calls;
    this.memory = memory;
    this.heap = new Uint8Array(memory.buffer);
    this.db = db;
    const text = calls.stringToNewUTF8(sql);
    const out = calls._malloc(4);
    try {
      this.check(calls._sqlite3_prepare_v2(db, text, -1, out, 0));
      this.statement = new Int32Array(memory.buffer, out, 1)[0] ?? 0;
    } finally {
      calls._free(out);
      calls._free(text);
    }
    if (this.statement === 0) throw new Error(`no statement in: ${sql}`);
  }

  /**
   * Binds text to parameter `index` (from 1). UTF-8 as sql.js writes it: ASCII byte for byte here,
   * anything else through sql.js's own encoder (the one its Statement uses).
   */
  bindText(index: number, text: string): void {
    const length = text.length;
    const slot = this.scratchFor(index, length);
    let heap = this.heap;
    if (heap.byteLength === 0) heap = this.heap = new Uint8Array(this.memory.buffer);
    const at = slot.pointer;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.bindEncoded(index, text);
        return;
      }
      heap[at + i] = code;
    }
    this.check(this.calls._sqlite3_bind_text(this.statement, index, at, length, STATIC));
  }

  /** As sql.js binds a number: a 32-bit integer as one, anything else as a double. */
  bindNumber(index: number, value: number): void {
    const calls = this.calls;
    this.check(
      value === (value | 0)
        ? calls._sqlite3_bind_int(this.statement, index, value)
        : calls._sqlite3_bind_double(this.statement, index, value),
    );
  }

  /** Runs the statement to its next row: true for a row, false when done. */
  step(): boolean {
    const code = this.calls._sqlite3_step(this.statement);
    if (code === SQLITE_ROW) return true;
    if (code === SQLITE_DONE) return false;
    throw this.error();
  }

  /** A text column of the current row, or null for NULL (read by byte count, as sql.js reads it). */
  textAt(column: number): string | null {
    const calls = this.calls;
    const statement = this.statement;
    if (calls._sqlite3_column_type(statement, column) === SQLITE_NULL) return null;
    const pointer = calls._sqlite3_column_text(statement, column);
    return calls.UTF8ToString(pointer, calls._sqlite3_column_bytes(statement, column), true);
  }

  /** A numeric column of the current row, as sql.js reads one (as a double: exact below 2^53). */
  numberAt(column: number): number {
    return this.calls._sqlite3_column_double(this.statement, column);
  }

  /** Ready for the next binding: bindings cleared, texts freed. */
  reset(): void {
    const calls = this.calls;
    calls._sqlite3_clear_bindings(this.statement);
    calls._sqlite3_reset(this.statement);
    const bound = this.bound;
    while (bound.length > 0) calls._free(bound.pop() as number);
  }

  /** Before the database closes: a statement left unfinalized would keep it open. */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    this.reset();
    const calls = this.calls;
    calls._sqlite3_finalize(this.statement);
    for (const slot of this.scratch) if (slot !== undefined) calls._free(slot.pointer);
    this.scratch.length = 0;
  }

  private bindEncoded(index: number, text: string): void {
    const calls = this.calls;
    const pointer = calls.stringToNewUTF8(text);
    this.bound.push(pointer);
    this.check(calls._sqlite3_bind_text(this.statement, index, pointer, calls.lengthBytesUTF8(text), STATIC));
  }

  private scratchFor(index: number, bytes: number): Scratch {
    let slot = this.scratch[index];
    if (slot === undefined || slot.bytes < bytes) {
      const calls = this.calls;
      if (slot !== undefined) calls._free(slot.pointer);
      // Room to spare, so that a text a little longer than the last does not free and allocate again.
      const room = Math.max(64, bytes + (bytes >> 1));
      const pointer = calls._malloc(room);
      if (pointer === 0) throw new Error(`SQLite's heap has no room for a ${bytes}-byte parameter`);
      slot = { pointer, bytes: room };
      this.scratch[index] = slot;
      this.heap = new Uint8Array(this.memory.buffer);
    }
    return slot;
  }

  private check(code: number): void {
    if (code !== SQLITE_OK) throw this.error();
  }

  /** SQLite's message for the last failure, as sql.js reports it. */
  private error(): Error {
    return new Error(this.calls.UTF8ToString(this.calls._sqlite3_errmsg(this.db)));
  }
}

/** A point statement through sql.js's own Statement, for a process where sql.js was started elsewhere. */
class WrappedStatement implements PointStatement {
  private readonly params: Array<string | number> = [];
  private row: unknown[] | null = null;
  private finalized = false;

  constructor(private readonly statement: Statement) {}

  bindText(index: number, text: string): void {
    this.params[index - 1] = text;
  }

  bindNumber(index: number, value: number): void {
    this.params[index - 1] = value;
  }

  step(): boolean {
    if (this.params.length > 0) {
      this.statement.bind(this.params);
      this.params.length = 0;
    }
    this.row = null;
    return this.statement.step();
  }

  textAt(column: number): string | null {
    return (this.current()[column] as string | null | undefined) ?? null;
  }

  numberAt(column: number): number {
    return this.current()[column] as number;
  }

  reset(): void {
    this.params.length = 0;
    this.row = null;
    this.statement.reset();
  }

  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    this.statement.free();
  }

  private current(): unknown[] {
    this.row ??= this.statement.get();
    return this.row;
  }
}
