import { z } from "zod";
import { EDIT_MESSAGE_MAX_BYTES, PURGE_DAYS_MAX, REDRIVE_RATE_MAX } from "../queues/limits";

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

/** Route elsewhere: another configured queue's work queue (or, with `at`, its retry set). */
const To = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { error: "to must be a queue name" })
  .optional()
  .describe(
    "Route elsewhere: requeue to this other configured queue (the caller must be its admin too). Requeue only.",
  );

/** A key of a field path: any text but empty, bounded. */
const PathKey = z.string().min(1).max(200);

/** Fix then requeue, for a selection or a group: one field set or removed at a path. */
export const PathEdit = z
  .object({
    path: z
      .array(PathKey)
      .min(1)
      .max(16)
      .describe('Keys from the top, e.g. ["options", "language"].'),
    set: z
      .string()
      .max(64 * 1024)
      .optional()
      .describe('The field\'s new value as JSON text (`"de"`, `3`, `{…}`); absent with `remove`.'),
    remove: z.literal(true).optional().describe("Remove the field instead."),
  })
  .refine((e) => (e.set === undefined) !== (e.remove === undefined), {
    error: "an edit either sets a value or removes the field",
  });

/** Fix then requeue, for one message: the edited text and the sha1 of the entry it was made from. */
export const MessageEdit = z.object({
  sha1: z.string().regex(/^[0-9a-f]{40}$/, { error: "sha1 must be 40 hex digits" }),
  text: z.string().min(2).max(EDIT_MESSAGE_MAX_BYTES),
});

export const Selection = z.object({
  messages: z
    .array(z.object({ identity: Identity, index: z.number().int().min(0).max(1e9).optional() }))
    .min(1)
    .max(1000),
  at: At,
  to: To,
  edit: PathEdit.optional().describe("Fix then requeue: set or remove one field in each message."),
});

export const SingleMessage = z.object({
  identity: Identity,
  at: At,
  to: To,
  edit: MessageEdit.optional().describe(
    "Fix then requeue: the message as edited (JSON text); only the fields that differ change. 409 when the entry's bytes are no longer `sha1`.",
  ),
});

/** POST …/errors/{queue}/{mode}: every message of one error group. */
export const GroupBody = z.object({
  group: z.string().regex(/^[0-9a-f]{12}$/, { error: "group must be a group id" }),
  at: At,
  to: To,
  edit: PathEdit.optional().describe("Fix then requeue: set or remove one field in each message."),
});

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

/** POST …/dlq/{queue}/edit-preview: what an edit would change, for one message, a selection or a group. */
export const EditPreviewBody = z.union([
  z.object({ identity: Identity, index: z.number().int().min(0).max(1e9), edit: MessageEdit }),
  z.object({ messages: Selection.shape.messages, edit: PathEdit }),
  z.object({ group: GroupBody.shape.group, edit: PathEdit }),
]);

/** The most a note's sentence may hold, and how far ahead a known group's quiet may reach. */
export const NOTE_MAX_CHARS = 500;
export const NOTE_UNTIL_MAX_DAYS = 366;

/** POST …/errors/{queue}/notes: a note on an error group and its mark "known". */
export const NoteBody = z.object({
  group: GroupBody.shape.group,
  note: z.string().max(NOTE_MAX_CHARS).default("").describe("A sentence, such as what was found."),
  link: z
    .url({ protocol: /^https?$/, error: "link must be an http(s) URL" })
    .max(500)
    .nullable()
    .default(null)
    .describe("A link, such as a ticket."),
  known: z.boolean().default(false).describe("Mark the group known: listed apart in the review."),
  until: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(null)
    .describe(
      `Until when (epoch seconds, at most ${NOTE_UNTIL_MAX_DAYS} days ahead) the growth alert leaves a known group's failures out; null: as long as it is known.`,
    ),
});

/** DELETE …/errors/{queue}/notes: remove a group's note and mark. */
export const NoteClearBody = z.object({ group: GroupBody.shape.group });
