// The `backend:` section: which stores stand behind the global cache and the database.
//
//   backend: memory   # in-process stand-ins (the default); `live`: real servers from the environment
import { choice } from "../plugin/options.ts";
import { section } from "./section.ts";

export const BACKEND_MODES = ["memory", "live"] as const;

export interface BackendSpec {
  /** "memory": in-process stand-ins (ioredis-mock, sql.js); "live": real servers from the environment. */
  mode: (typeof BACKEND_MODES)[number];
}

/** In-process stand-ins need no servers, so a fresh clone runs every scenario. */
export const BACKEND_DEFAULT: BackendSpec["mode"] = "memory";

export const backendSection = section({
  field: "backend",
  schema: choice(BACKEND_MODES),
  resolve: (input, check): BackendSpec => ({ mode: check.overrides.mode ?? input ?? BACKEND_DEFAULT }),
});
