import { z } from "zod";
import { readAudit } from "@/lib/audit/audit";
import { AUDIT_PAGE_MAX, AUDIT_PAGE_SIZE, type AuditPage } from "@/lib/audit/types";
import { roleEverywhere, type QueueGrant } from "@/lib/access";
import { AuditResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { sees } from "@/lib/http/scope";
import { redactorFor } from "@/lib/queues/redact";
import { documented } from "@/lib/http/route-doc";

const U64_MAX = 2n ** 64n - 1n;

/**
 * A stream entry id Redis accepts as an exclusive end: two 64-bit unsigned
 * parts (twenty digits can still overflow one), and not 0-0, before which
 * there is nothing.
 */
function isStreamId(id: string): boolean {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(id);
  if (!match) return false;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  return ms <= U64_MAX && seq <= U64_MAX && (ms > 0n || seq > 0n);
}

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_SIZE),
  before: z.string().refine(isStreamId, { error: "before must be an audit entry id" }).optional(),
});

export const GET = adminRead(
  AuditResponseSchema,
  shared(async (request, ctx) => {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const read = await readAudit(ctx.redis, query.limit, query.before, ctx.config);
    const page = mine(read, ctx.user.grants);
    // A viewer gets the same identity tokens as in the DLQ list: `h:<sha1>` would check guesses.
    const redactor = redactorFor(ctx.config, ctx.user);
    if (!redactor) return { body: page };
    const entries = page.entries.map((e) =>
      e.identities ? { ...e, identities: e.identities.map((id) => redactor.identity(id)) } : e,
    );
    return { body: { ...page, entries } };
  }),
  "listed",
);

/**
 * The entries about the user's queues; a user of every queue gets them all
 * (logins, the cache, sessions are no queue's). The cursor stays the page's
 * last id read, so a page can hold fewer entries than asked and paging goes on.
 */
function mine(page: AuditPage, grants: readonly QueueGrant[]): AuditPage {
  if (roleEverywhere(grants) !== null) return page;
  return {
    ...page,
    entries: page.entries.filter((e) => e.queue !== undefined && sees(grants, e.queue)),
  };
}

documented(GET, {
  summary: "The audit log, newest first, a page at a time (pass `next` as `before`).",
  query: Query,
});
