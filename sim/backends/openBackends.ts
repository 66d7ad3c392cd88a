// Chooses the backends for a run: the in-process stand-ins, or real servers configured from the
// environment (loaded only when asked for, so in-process runs never need the live drivers).

import type { Backends } from "../model/ports.ts";
import { MemoryCacheStore } from "./memoryCacheStore.ts";
import { MemoryRecordStore } from "./memoryRecordStore.ts";

export async function openBackends(
  mode: "memory" | "live",
  env: NodeJS.ProcessEnv = process.env,
): Promise<Backends> {
  if (mode === "live") {
    const { openLiveBackends } = await import("./live/openLive.ts");
    return openLiveBackends(env);
  }
  return { cache: new MemoryCacheStore(), records: await MemoryRecordStore.open() };
}
