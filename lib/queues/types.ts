/**
 * Response shapes of the engine, shared by the API and the UI: inferred from
 * the schemas in ./schemas.ts. Type-only imports, so that a client component
 * importing this module does not pull zod into the browser bundle.
 * Times are Unix epoch seconds.
 */
import type { z } from "zod";
import type {
  DlqMessageSchema,
  ErrorGroupSchema,
  ErrorGroupsSchema,
  FoundSchema,
  PlaceSchema,
  QueueStatsSchema,
  ScheduledRetryViewSchema,
} from "./schemas";

export type DlqMessage = z.infer<typeof DlqMessageSchema>;

export type ScheduledRetryView = z.infer<typeof ScheduledRetryViewSchema>;

export type QueueStats = z.infer<typeof QueueStatsSchema>;

/** Top error groups of a DLQ (errorGroups.ts); here so that redact.ts and the metrics can name them. */
export type ErrorGroup = z.infer<typeof ErrorGroupSchema>;

export type ErrorGroups = z.infer<typeof ErrorGroupsSchema>;

/** Where in a queue an entry is, and an entry found there (find.ts). */
export type Place = z.infer<typeof PlaceSchema>;
export type Found = z.infer<typeof FoundSchema>;
