import { HttpError } from "@/lib/http/errors";
import { withQueue } from "@/lib/http/path-guards";
import { GroupNoteResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";
import { NOTE_UNTIL_MAX_DAYS, NoteBody, NoteClearBody } from "@/lib/http/schemas";
import { nowSeconds } from "@/lib/queues/context";
import { clearGroupNote, setGroupNote } from "@/lib/queues/notes";

/** A note as the audit log says it: whether known and until when, the note's start, the link. */
function noteDetail(group: string, body: ReturnType<typeof NoteBody.parse>): string {
  const known = body.known
    ? `known${body.until !== null ? ` until ${new Date(body.until * 1000).toISOString()}` : ""}`
    : "not known";
  const note = body.note ? `; note ${JSON.stringify(body.note.slice(0, 100))}` : "";
  const link = body.link ? `; link ${body.link.slice(0, 200)}` : "";
  return `group ${group}: ${known}${note}${link}`;
}

/**
 * POST …/errors/{queue}/notes: sets an error group's note (a sentence and a
 * link) and its mark "known" (listed apart in the review; the growth alert
 * leaves its failures out until `until`, or for as long as it is known).
 */
export const POST = adminMutation(
  GroupNoteResponseSchema,
  "note error group",
  withQueue(async (_request, ctx) => {
    const body = NoteBody.parse(ctx.body);
    const now = nowSeconds(ctx.engine.ctx);
    if (body.until !== null && body.until > now + NOTE_UNTIL_MAX_DAYS * 86_400) {
      throw new HttpError(400, "INVALID", `until must be within ${NOTE_UNTIL_MAX_DAYS} days`);
    }
    const { group, ...input } = body;
    const note = await setGroupNote(ctx.engine.ctx, ctx.queue, group, input, ctx.user.name);
    return { body: { group, note }, audit: { detail: noteDetail(group, body) } };
  }),
);

/** DELETE …/errors/{queue}/notes {group}: removes the note and the mark. */
export const DELETE = adminMutation(
  GroupNoteResponseSchema,
  "clear error group note",
  withQueue(async (_request, ctx) => {
    const { group } = NoteClearBody.parse(ctx.body);
    const had = await clearGroupNote(ctx.engine.ctx, ctx.queue, group);
    if (!had) throw new HttpError(404, "NOT_FOUND", "That error group has no note");
    return { body: { group, note: null }, audit: { detail: `group ${group}` } };
  }),
);

documented(POST, {
  summary:
    "Sets an error group's note (a sentence, a link) and its mark `known`: listed apart in the review, and left out of the growth alert until `until`.",
  body: NoteBody,
  errors: [404],
});
documented(DELETE, {
  summary: "Removes an error group's note and mark (404 when it has none).",
  body: NoteClearBody,
  errors: [404],
});
