import { HttpError } from "@/lib/http/errors";
import { laterDetail, laterOf, moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { SingleMessage } from "@/lib/http/schemas";
import { moveFromDlq } from "@/lib/queues/dlq-move";
import { documented } from "@/lib/http/route-doc";

/**
 * POST …/requeue/{index} (the Python backend's endpoint) and …/delete/{index}:
 * one message, named by the index the admin saw and its identity in the body.
 * A message that moved is found by identity; one that is gone is a 409.
 */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(),
  withMoveMode(
    withQueue(async (_request, { engine, params, queue, mode, body }) => {
      const raw = params.index ?? "";
      if (!/^\d{1,9}$/.test(raw))
        throw new HttpError(400, "INVALID", "index must be a whole number");
      const { identity, at } = SingleMessage.parse(body);
      await moveFromDlq(engine.ctx, queue, Number(raw), identity, mode, laterOf(mode, at));
      return {
        body: { moved: [identity], missing: [] },
        audit: { identities: [identity], detail: laterDetail(at) },
      };
    }),
  ),
);

documented(POST, {
  summary:
    "Requeues (now, or later with `at`) or deletes the message at `index`, named by its identity (409 when it is no longer there).",
  body: SingleMessage,
  errors: [404, 409],
});
