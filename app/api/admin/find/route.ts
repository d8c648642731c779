import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { FindResponseSchema } from "@/lib/http/responses";
import { adminRead } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";
import { unknownQueue, visibleTo } from "@/lib/http/scope";
import {
  fieldMatches,
  findEntries,
  formatCursor,
  parseCursor,
  PLACES,
  placeLength,
  type FieldMatch,
  type Shown,
} from "@/lib/queues/find";
import { covers, redactorFor, type Redactor } from "@/lib/queues/redact";

const Query = z.object({
  field: z
    .string()
    .regex(/^[A-Za-z_][\w.-]{0,63}$/, { error: "field must be a JSON key name" })
    .default("job_id")
    .describe("The JSON field to match, at any depth of the entry (`job_id` unless said)."),
  value: z.string().min(1).max(128).describe("Its value: a string, or a number written as one."),
  queue: z.string().optional().describe("Only this queue (every queue the user sees when absent)."),
  cursor: z
    .string()
    .max(64)
    .optional()
    .describe("`next` of the previous step, to go on from there."),
});

/**
 * "Where is job X?": every place of every queue the user sees (or one), for
 * the entries whose field holds the value, one bounded step at a time
 * (lib/queues/find.ts): the caller goes on with `next` until it is null.
 */
export const GET = adminRead(
  FindResponseSchema,
  async (request, ctx) => {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const visible = visibleTo(ctx);
    if (query.queue !== undefined && !visible.includes(query.queue))
      throw unknownQueue(query.queue);
    const queues = query.queue ? [query.queue] : visible;
    const from = query.cursor
      ? parseCursor(query.cursor, queues)
      : { queue: queues[0]!, place: PLACES[0], offset: 0 };
    if (!from) throw new HttpError(400, "INVALID_CURSOR", "cursor must be a `next` of this search");
    const match: FieldMatch = { field: query.field, value: query.value };
    const redactor = redactorFor(ctx.config, ctx.user);
    const masked = redactor !== null && covers(redactor.paths, [query.field]);
    // A masked field finds nothing for this reader: not even a scan that tells by its time.
    const step = masked
      ? { found: [], scanned: 0, finished: [], next: null }
      : await findEntries(
          ctx.engine.ctx,
          queues,
          match,
          from,
          redactor ? shownTo(redactor, match) : undefined,
        );
    return {
      body: {
        ...match,
        queues,
        masked,
        found: step.found,
        scanned: step.scanned,
        finished: step.finished,
        next: step.next && formatCursor(step.next),
        at: step.next && { ...step.next, length: await placeLength(ctx.engine.ctx, step.next) },
      },
    };
  },
  "listed",
);

/**
 * A match as a reader with masked fields sees it: masked, and only if it still
 * matches once masked (a masked value must not be confirmed by a search). A
 * cut entry shows nothing to such a reader, so matches nothing.
 */
function shownTo(redactor: Redactor, match: FieldMatch): Shown {
  const seen = (v: { raw: string; truncated?: boolean }) =>
    v.truncated !== true && fieldMatches(v.raw, match);
  return (f) => {
    if (f.dlq) {
      const dlq = redactor.view(f.dlq);
      return seen(dlq) ? { ...f, dlq } : null;
    }
    const entry = f.entry && redactor.retry(f.entry);
    return entry && seen(entry) ? { ...f, entry } : null;
  };
}

documented(GET, {
  summary:
    "Finds the entries whose JSON field holds a value, in every queue's work list, processing list, retry set and DLQ, one bounded step at a time.",
  description:
    "Each step scans until one of its bounds (200 000 entries, 256 MB read, 1.5 s, 20 matches), then answers what it found and `next`; pass it as `cursor` until `next` is null. A message that moves forward while the scan runs is found where it moved to.",
  query: Query,
  errors: [404],
});
