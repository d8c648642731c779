import { z } from "zod";

/**
 * A redrive task ("requeue all", "delete all") as the API shows it, declared
 * once (./redrive.ts infers its types from it). A strict object: an undeclared
 * field is a mismatch when REDRIVE_CHECK_RESPONSES is on.
 */

export const TaskStateSchema = z.enum([
  "pending",
  "running",
  "cancelling",
  "done",
  "cancelled",
  "failed",
]);

export const RedriveTaskSchema = z.strictObject({
  id: z.string(),
  queue: z.string(),
  kind: z.enum(["requeue", "delete"]),
  rate: z.number().describe("Messages per second; 0 means as fast as it goes."),
  state: TaskStateSchema,
  total: z
    .number()
    .describe("The DLQ's length when the task was created: how many it moves at most."),
  moved: z.number(),
  createdBy: z.string(),
  createdAt: z.number().describe("Epoch seconds."),
  updatedAt: z.number().describe("Epoch seconds."),
  owner: z.string().describe("The worker service instance running it, if any."),
  error: z.string().describe("Why it failed; empty otherwise."),
});
