/** The overview page's side of the admin API: its views hold no URL and no response shape. */
"use client";

import useSWR from "swr";
import {
  WINDOW_STEP_SECONDS,
  type HistoryWindow,
  type HistoryResponse,
  type InsightsResponse,
  type OverviewResponse,
} from "@/lib/metrics/types";
import { apiPath } from "../api";
import { usePollInterval } from "../DashboardProvider";

export const OVERVIEW_PATH = "/api/admin/overview";
export const INSIGHTS_PATH = "/api/admin/insights";

/** The insights scan up to 1 000 entries a queue: polled less often than the cards. */
const INSIGHTS_MIN_POLL_MS = 30_000;

export function metricsPath(window: HistoryWindow): string {
  return apiPath("/api/admin/metrics", { window });
}

/**
 * Queue cards, alerts, worker and Redis status, polled with the dashboard's
 * interval; `initial` (the page's own read) is shown until the first poll.
 */
export function useOverview(initial?: OverviewResponse) {
  return useSWR<OverviewResponse>(OVERVIEW_PATH, { fallbackData: initial });
}

export function useInsights() {
  return useSWR<InsightsResponse>(INSIGHTS_PATH, {
    refreshInterval: usePollInterval(INSIGHTS_MIN_POLL_MS),
  });
}

/** Sampled history over `window`; a point arrives every step of it, so no need to ask more often. */
export function useMetrics(window: HistoryWindow) {
  return useSWR<HistoryResponse>(metricsPath(window), {
    refreshInterval: usePollInterval(WINDOW_STEP_SECONDS[window] * 1000),
  });
}
