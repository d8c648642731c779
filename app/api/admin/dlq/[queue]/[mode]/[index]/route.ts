import { saveAuditDiff } from "@/lib/audit/diffs";
import { HttpError } from "@/lib/http/errors";
import { messageEditor, moveOptionsOf } from "@/lib/http/move-options";
import { moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { SingleMessage } from "@/lib/http/schemas";
import { moveFromDlq } from "@/lib/queues/dlq-move";
import { documented } from "@/lib/http/route-doc";

/**
 * POST …/requeue/{index} (the Python backend's endpoint) and …/delete/{index}:
 * one message, named by the index the admin saw and its identity in the body.
 * A message that moved is found by identity; one that is gone is a 409. A
 * requeue may go later, to another queue, and with the admin's edit: then
 * only the entry with the bytes the editor opened (`edit.sha1`) is taken.
 */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(),
  withMoveMode(
    withQueue(async (_request, ctx) => {
      const { engine, params, queue, mode, body } = ctx;
      const raw = params.index ?? "";
      if (!/^\d{1,9}$/.test(raw))
        throw new HttpError(400, "INVALID", "index must be a whole number");
      const { identity, edit, ...rest } = SingleMessage.parse(body);
      const { options, detail } = moveOptionsOf(ctx, mode, rest);
      if (edit && mode !== "requeue")
        throw new HttpError(400, "INVALID", "edit is for requeue only");
      const editor = edit ? messageEditor(edit) : null;
      if (editor) options.edit = editor.edit;
      const target = { identity, index: Number(raw), sha1: edit?.sha1 };
      await moveFromDlq(engine.ctx, queue, target, mode, options);
      const diff = editor ? await saveAuditDiff(ctx.redis, ctx.config, editor.changes()) : "";
      if (editor) detail.unshift(`edited: ${editor.changes().length} field(s)`);
      return {
        body: { moved: [identity], missing: [] },
        audit: {
          identities: [identity],
          detail: detail.join("; ") || undefined,
          diff: diff || undefined,
        },
      };
    }),
  ),
);

documented(POST, {
  summary:
    "Requeues (now, later with `at`, to another queue with `to`, edited with `edit`) or deletes the message at `index`, named by its identity (409 when it is no longer there, or with `edit` no longer the bytes edited).",
  body: SingleMessage,
  errors: [404, 409],
});
