/**
 * Response shapes of the metrics history and the overview, shared by the API
 * and the UI: inferred from ./schemas.ts with type-only imports, so that zod
 * stays out of the browser bundle (the UI imports this module's constants).
 */
import type { z } from "zod";
import type {
  HistoryPointSchema,
  HistoryResponseSchema,
  InsightsResponseSchema,
  OverviewResponseSchema,
  QueueAlertSchema,
  QueueInsightsSchema,
  QueueOverviewSchema,
  QueuePointSchema,
  ReviewMarkSchema,
} from "./schemas";

export { WINDOWS, WINDOW_STEP_SECONDS, type HistoryWindow } from "./windows";

export type QueuePoint = z.infer<typeof QueuePointSchema>;

export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;

export type QueueAlert = z.infer<typeof QueueAlertSchema>;

export type ReviewMark = z.infer<typeof ReviewMarkSchema>;

export type QueueOverview = z.infer<typeof QueueOverviewSchema>;

export type OverviewResponse = z.infer<typeof OverviewResponseSchema>;

export type QueueInsights = z.infer<typeof QueueInsightsSchema>;

export type InsightsResponse = z.infer<typeof InsightsResponseSchema>;
