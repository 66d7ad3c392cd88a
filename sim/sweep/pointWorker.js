// Worker-thread entry for the sweep's pool (piscina): registers tsx in this thread, as the launcher does
// for the main one, then serves runPoint. Plain JavaScript because it is loaded before tsx is.
import { register } from "tsx/esm/api";

register();
const { runPoint } = await import("./runPoint.ts");

export default runPoint;
