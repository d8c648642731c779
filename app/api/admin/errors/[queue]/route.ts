import { z } from "zod";
import { nowSeconds } from "@/lib/queues/context";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { readGroupNotes, withNotes } from "@/lib/queues/notes";
import { READ_LIMITS } from "@/lib/queues/read";
import { ErrorGroupsResponseSchema } from "@/lib/http/responses";
import { HEAVY_READ_MS, shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { redactorFor } from "@/lib/queues/redact";
import { documented } from "@/lib/http/route-doc";

// Larger values are accepted (older clients send them) and capped at READ_LIMITS.scanEntries.
const Query = z.object({
  scan: z.coerce.number().int().min(1).max(100_000).default(READ_LIMITS.scanEntries),
});

/**
 * Top error groups over the newest `scan` entries, within READ_LIMITS' byte
 * budget (the response says how far it looked: scanned, complete, nextOffset).
 */
export const GET = adminRead(
  ErrorGroupsResponseSchema,
  shared(
    withQueue(async (request, ctx) => {
      const { queue } = ctx;
      const { scan } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
      const [found, notes] = await Promise.all([
        getErrorGroups(ctx.engine.ctx, queue, scan),
        readGroupNotes(ctx.engine.ctx),
      ]);
      const groups = withNotes(found.groups, notes.get(queue));
      const computed = { queue, ...found, groups, computedAt: nowSeconds(ctx.engine.ctx) };
      const redactor = redactorFor(ctx.config, ctx.user);
      if (!redactor) return { body: computed };
      return { body: { ...computed, groups: groups.map((g) => redactor.group(g)) } };
    }),
    { heavyMs: HEAVY_READ_MS },
  ),
);

documented(GET, {
  summary:
    "A DLQ's error groups (same type and normalised message), largest first, from up to `scan` entries, with the admins' notes.",
  query: Query,
  errors: [404],
});
