import { InsightsResponseSchema } from "@/lib/http/responses";
import { HEAVY_READ_MS, shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { engineFor } from "@/lib/http/scope";
import { redactorFor } from "@/lib/queues/redact";
import { buildInsights } from "@/lib/metrics/insights";
import { readGroupNotes, withNotes } from "@/lib/queues/notes";
import type { ErrorGroup } from "@/lib/queues/errorGroups";
import { documented } from "@/lib/http/route-doc";

/** Top errors, average retry count and what is new since the last review, per queue. */
export const GET = adminRead(
  InsightsResponseSchema,
  shared(
    async (_request, ctx) => {
      const engine = engineFor(ctx);
      const [insights, notes] = await Promise.all([buildInsights(engine), readGroupNotes(engine)]);
      const redactor = redactorFor(ctx.config, ctx.user);
      const queues = insights.queues.map((q) => {
        // Notes are joined here, not kept with the figures: a note shows on the next poll.
        const groups = (gs: ErrorGroup[]) => {
          const noted = withNotes(gs, notes.get(q.queue));
          return redactor ? noted.map((g) => redactor.group(g)) : noted;
        };
        return {
          ...q,
          topErrors: groups(q.topErrors),
          sinceReview: q.sinceReview && {
            ...q.sinceReview,
            newGroups: groups(q.sinceReview.newGroups),
          },
        };
      });
      return { body: { ...insights, queues } };
    },
    { heavyMs: HEAVY_READ_MS },
  ),
  "listed",
);

documented(GET, {
  summary:
    "Per queue, from the newest 1 000 dead letters: top error groups, average retry count, what is new since the review.",
});
