import { HttpError } from "@/lib/http/errors";
import { messageEditor, pathEdit } from "@/lib/http/move-options";
import { withQueue } from "@/lib/http/path-guards";
import { EditPreviewResponseSchema } from "@/lib/http/responses";
import { adminPreview } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";
import { EditPreviewBody } from "@/lib/http/schemas";
import { applyEdit, type FieldChange } from "@/lib/queues/edit";
import { entryBySha1, previewGroup, previewSelection } from "@/lib/queues/edit-preview";
import { forRequeue } from "@/lib/queues/message";
import type { EngineContext } from "@/lib/queues/context";
import type { z } from "zod";

/** Values as the preview shows them: the first 2 000 characters. */
const SHOWN = 2_000;
const cut = (t: string | null) => (t !== null && t.length > SHOWN ? `${t.slice(0, SHOWN)}…` : t);

/**
 * POST …/edit-preview: what fix-then-requeue would change, before the admin
 * confirms: one message's changed fields (diffed against the entry with the
 * bytes the editor opened), or how many entries of a selection or group one
 * field's edit touches. Admins only (it shows whole values); nothing is
 * written, so it is not audited.
 */
export const POST = adminPreview(
  EditPreviewResponseSchema,
  withQueue(async (_request, { engine, queue, body }) => {
    const preview = await previewOf(engine.ctx, queue, EditPreviewBody.parse(body));
    const sample = preview.sample.map((c: FieldChange) => ({
      path: c.path,
      before: cut(c.before),
      after: cut(c.after),
    }));
    return { body: { ...preview, sample } };
  }),
);

async function previewOf(ctx: EngineContext, queue: string, req: z.infer<typeof EditPreviewBody>) {
  if ("identity" in req) {
    // The text is checked before anything is read.
    const editor = messageEditor(req.edit);
    const raw = await entryBySha1(ctx, queue, { ...req, sha1: req.edit.sha1 });
    if (!raw) {
      throw new HttpError(
        409,
        "CONFLICT",
        "That message changed or left the dead-letter queue since it was opened",
      );
    }
    editor.edit(forRequeue(raw));
    const touched = { total: 1, touched: 1, unchanged: 0, notApplicable: 0, moved: 0 };
    return { ...touched, sample: editor.changes() };
  }
  const edit = pathEdit(req.edit);
  const apply = (message: Buffer) => applyEdit(message, edit);
  return "group" in req
    ? previewGroup(ctx, queue, req.group, apply)
    : previewSelection(ctx, queue, req.messages, apply);
}

documented(POST, {
  summary:
    "What an edit would change before a requeue with `edit`: one message's changed fields, or how many entries of a selection or an error group one field's edit touches. Writes nothing.",
  body: EditPreviewBody,
  errors: [404, 409],
});
