import type { CacheOverview } from "@/lib/cache/types";
import { fmtInt } from "../format";

/** How the per-namespace figures were obtained: every key, or a scaled-up sample. */
export function SampleNote(props: { sample: CacheOverview["sample"] }) {
  const { scanned, dbsize, exact } = props.sample;
  return exact ? (
    <>Exact: all {fmtInt(dbsize)} keys measured.</>
  ) : (
    <>
      Estimated: {fmtInt(scanned)} of {fmtInt(dbsize)} keys sampled, scaled up by{" "}
      {(dbsize / Math.max(1, scanned)).toFixed(1)}×.
    </>
  );
}
