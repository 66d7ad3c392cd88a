// The one error type live backends throw, so the runner can tell "a server let us down" (a failed run with
// a message for the user) from a bug. The message is redacted when the error is made, and the raw driver
// error is deliberately not kept as `cause`: ioredis attaches the AUTH command's arguments to its errors,
// so printing a cause could print a password.

import { importPackage } from "../../core/importPackage.ts";
import { redact } from "./redact.ts";

export type BackendName = "redis" | "sqlite" | "sqlitecloud";

export interface BackendErrorOptions {
  backend: BackendName;
  /** Secret-free address of the server or file concerned, e.g. `127.0.0.1:6379`. */
  address?: string | null;
  /** Machine-readable reason where one is known: `ECONNREFUSED`, `WRONGPASS`, `NOT_INSTALLED`, ... */
  code?: string | null;
}

export class BackendError extends Error {
  override readonly name = "BackendError";
  readonly backend: BackendName;
  readonly address: string | null;
  readonly code: string | null;

  constructor(message: string, options: BackendErrorOptions) {
    super(redact(message));
    this.backend = options.backend;
    this.address = options.address ?? null;
    this.code = options.code ?? null;
  }
}

export interface OptionalModuleInfo {
  backend: BackendName;
  /** What the module is, for the message: `the SQLite file driver better-sqlite3`. */
  what: string;
  /** The command that installs it. */
  install: string;
}

/**
 * Loads an optionalDependency at run time. A machine where it failed to install still runs the
 * in-process mode; only a live run that needs it fails, with a BackendError (code NOT_INSTALLED) that
 * says how to install it.
 */
export async function importOptional<T>(name: string, info: OptionalModuleInfo): Promise<T> {
  try {
    return await importPackage<T>(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = String((error as Error).message ?? error).split("\n")[0] ?? "";
    const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
    const text = missing
      ? `${info.what} is not installed (${message}); install it with: ${info.install}`
      : `${info.what} is installed but failed to load (${message}); reinstall it with: ${info.install}`;
    throw new BackendError(text, { backend: info.backend, code: "NOT_INSTALLED" });
  }
}
