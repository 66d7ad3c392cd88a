// The one error type live backends throw, so the runner can tell "a server let us down" (a failed run with
// a message for the user) from a bug. The message is redacted when the error is made, and the raw driver
// error is deliberately not kept as `cause`: ioredis attaches the AUTH command's arguments to its errors,
// so printing a cause could print a password.
import { redact } from "./config.ts";

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

export function isBackendError(error: unknown): error is BackendError {
  return error instanceof BackendError;
}
