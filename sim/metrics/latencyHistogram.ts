// Histograms of microsecond figures (latencies, staleness ages) with bounded memory: HdrHistogram keeps
// three significant digits, so values up to 2,048 us are exact and larger ones within 0.1 %.
import * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}
