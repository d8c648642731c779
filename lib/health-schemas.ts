import { z } from "zod";

/**
 * The worker service's status as the health check, the stats and the overview
 * report it; apart from ./health.ts, which is server-only and reads Redis, so
 * that the metrics and the API's response schemas can name it.
 */
export const WorkerStatusSchema = z.strictObject({
  instances: z.number().int().nonnegative().describe("Worker service instances alive now."),
  lastBeatAgeSeconds: z
    .number()
    .nonnegative()
    .nullable()
    .describe("Seconds since the most recent heartbeat of any instance; null when none ever ran."),
  version: z.string().nullable().describe("Version of the most recent instance."),
  healthy: z
    .boolean()
    .describe("A heartbeat older than three intervals means the worker service is not running."),
});
