import { z } from "zod";
import { PURGE_DAYS_MAX, REDRIVE_RATE_MAX } from "../queues/limits";

/**
 * Request bodies the routes validate, exported so that the OpenAPI description
 * and the `redrive` command line are typed from the same schemas.
 */
export const Identity = z.string().min(3).max(200);

/** The most a requeue may be put off: the span a retry set is meant to hold. */
export const LATER_MAX_DAYS = 30;

/** Requeue later: into the queue's retry set, due then (the worker service promotes it). */
const At = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(
    `Requeue later: epoch seconds, at most ${LATER_MAX_DAYS} days ahead; the message goes to the queue's retry set, due then, and the worker service moves it to the work queue. Requeue only.`,
  );

export const Selection = z.object({
  messages: z
    .array(z.object({ identity: Identity, index: z.number().int().min(0).max(1e9).optional() }))
    .min(1)
    .max(1000),
  at: At,
});

export const SingleMessage = z.object({ identity: Identity, at: At });

/** POST …/dlq/{queue}/purge. */
export const PurgeBody = z.object({ olderThanDays: z.number().min(0).max(PURGE_DAYS_MAX) });

/** POST …/dlq/{queue}/tasks: requeue all or delete all. */
export const TaskBody = z.object({
  kind: z.enum(["requeue", "delete"]),
  ratePerSecond: z.number().int().min(0).max(REDRIVE_RATE_MAX).default(0),
});

/** POST …/retry/{queue}/now: one scheduled retry (identity + the rank it was listed at), or all. */
export const RetryNowBody = z.union([
  z.object({ all: z.literal(true) }),
  z.object({ identity: Identity, rank: z.number().int().min(0).max(1e9) }),
]);
