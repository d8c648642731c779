/**
 * The chart windows of the metrics history, apart from ./types.ts so that the
 * schemas (which need WINDOWS as a value) and the types (which the UI imports
 * as values too) do not import each other.
 */
export const WINDOWS = ["1h", "24h", "7d"] as const;
export type HistoryWindow = (typeof WINDOWS)[number];

/** Seconds between two points of a window's chart: one sample per bucket of this size is kept. */
export const WINDOW_STEP_SECONDS: Record<HistoryWindow, number> = {
  "1h": 10,
  "24h": 120,
  "7d": 900,
};
