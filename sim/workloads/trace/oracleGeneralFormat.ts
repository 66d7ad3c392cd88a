// libCacheSim's oracleGeneral binary format: 24-byte little-endian records, each
//   u32 timestamp (seconds), u64 object id, u32 object size (bytes), i64 logical time of the next access
// (-1 for none). Every request is a read. The next-access field is read and checked but not used yet.
// Ids up to 2^53 become their decimal text exactly; larger ones too, through BigInt (slower, rare).
import { strict } from "../../plugin/options.ts";
import { traceError } from "./traceError.ts";
import { KEY_IDS_MAX, type TraceFormat, type TraceRecord } from "./traceFormat.ts";

const RECORD_BYTES = 24;
const TWO_32 = 2 ** 32;

export const oracleGeneralFormat: TraceFormat = {
  name: "oracleGeneral",
  summary: "libCacheSim's binary records (u32 time in s, u64 id, u32 size, i64 next access), all reads",
  timeUnitDefault: "s",
  options: strict({}),
  create({ file, bytes }) {
    const record: TraceRecord = { time: 0, id: -1, key: "", write: false, size: 0, node: null, at: 0 };
    let chunk = new Uint8Array(0);
    let view = new DataView(chunk.buffer);
    let pos = 0;
    let index = 0;
    return {
      hasTimes: true,
      hasNodes: false,
      unit: "record",
      next() {
        if (chunk.length - pos < RECORD_BYTES) {
          // Carry the part record over and append chunks until a whole record is there.
          let pending = chunk.slice(pos);
          for (;;) {
            const more = bytes.read();
            if (more === null) {
              if (pending.length === 0) return null;
              throw traceError(
                file,
                `record ${index + 1}`,
                `truncated: ${pending.length} bytes where a record has ${RECORD_BYTES} (is it really oracleGeneral?)`,
              );
            }
            const joined = new Uint8Array(pending.length + more.length);
            joined.set(pending, 0);
            joined.set(more, pending.length);
            pending = joined;
            if (pending.length >= RECORD_BYTES) break;
          }
          chunk = pending;
          view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          pos = 0;
        }
        index++;
        const time = view.getUint32(pos, true);
        const low = view.getUint32(pos + 4, true);
        const high = view.getUint32(pos + 8, true);
        const size = view.getUint32(pos + 12, true);
        // The i64 read as two halves: below -1 is a high half below -1, or -1 over a low half below
        // 2^32 - 1. (Reading it as a BigInt would make an object for every record.)
        const nextHigh = view.getInt32(pos + 20, true);
        if (nextHigh < -1 || (nextHigh === -1 && view.getUint32(pos + 16, true) < 0xffffffff)) {
          throw traceError(
            file,
            `record ${index}`,
            `next access time ${view.getBigInt64(pos + 16, true)} is below -1 (is it really oracleGeneral?)`,
          );
        }
        pos += RECORD_BYTES;
        record.time = time;
        if (high === 0 && low < KEY_IDS_MAX) record.id = low;
        else {
          record.id = -1;
          record.key =
            high === 0
              ? String(low)
              : high < 0x200000
                ? String(high * TWO_32 + low)
                : String((BigInt(high) << 32n) | BigInt(low));
        }
        record.size = size;
        record.at = index;
        return record;
      },
      close: () => bytes.close(),
    };
  },
};
