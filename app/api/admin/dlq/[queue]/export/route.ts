import { z } from "zod";
import { mayExport } from "@/lib/access";
import { jsonBody } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import { withQueue } from "@/lib/http/path-guards";
import { ExportLineSchema } from "@/lib/http/responses";
import { adminRead, recordAudit, withSameOrigin, type SessionContext } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";
import { streamed } from "@/lib/http/streamed";
import { Identity } from "@/lib/http/schemas";
import { logLine } from "@/lib/log";
import {
  exportPages,
  type ExportLine,
  type ExportProgress,
  type ExportSelect,
} from "@/lib/queues/export";
import { exportRedactor, redactorFor } from "@/lib/queues/redact";
import type { EngineContext } from "@/lib/queues/context";

const Query = z.object({
  q: z.string().min(1).max(200).optional().describe("Only the entries containing this text."),
  group: z
    .string()
    .regex(/^([0-9a-f]{12}|v:[0-9a-f]{40})$/, { error: "group must be a group id" })
    .optional()
    .describe("Only the entries of this error group (its id as GET …/errors/{queue} gave it)."),
});

const Body = z.object({
  messages: z
    .array(z.object({ identity: Identity }))
    .min(1)
    .max(1000),
});

/**
 * The export's answer: JSON Lines streamed as Redis is read, audited before
 * the first byte leaves (an export carries whole payloads) and logged when it
 * ends or is stopped, with how many lines it wrote.
 */
async function exportAnswer(
  ctx: SessionContext & { queue: string },
  select: ExportSelect,
  what: string,
  identities?: string[],
) {
  if (!mayExport(ctx.config.REDRIVE_EXPORTERS, ctx.user)) {
    await recordAudit(ctx, "export", "denied", { detail: what }).catch(() => undefined);
    throw new HttpError(
      403,
      "EXPORT_NOT_ALLOWED",
      "Exporting is not allowed for you (REDRIVE_EXPORTERS)",
    );
  }
  const redactor = exportRedactor(ctx.config);
  const detail = `${what}${redactor ? "; masked (REDRIVE_REDACT)" : ""}`;
  await recordAudit(ctx, "export", "ok", { detail, identities });
  // A reader shown masked views names entries and groups by the tokens they were shown.
  select.reader = redactorFor(ctx.config, ctx.user);
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15);
  return streamed<ExportLine>(
    linesStream(ctx.engine.ctx, ctx.queue, select, redactor, ctx.user.name),
    {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${ctx.queue}-dlq-${stamp}Z.jsonl"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  );
}

/** A pull stream: one DLQ page read per chunk the client takes, so memory stays one page. */
function linesStream(
  engine: EngineContext,
  queue: string,
  select: ExportSelect,
  redactor: ReturnType<typeof exportRedactor>,
  user: string,
): ReadableStream<Uint8Array> {
  const progress: ExportProgress = { read: 0, total: 0, exported: 0 };
  const pages = exportPages(engine, queue, select, redactor, progress);
  const encoder = new TextEncoder();
  const end = (how: string) => logLine("info", `export ${how}`, { user, queue, ...progress });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pages.next();
        if (next.done) {
          end("done");
          controller.close();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        end("failed");
        controller.error(error);
      }
    },
    async cancel() {
      end("stopped");
      await pages.return(undefined);
    },
  });
}

/**
 * A session's export must start from the dashboard itself: a link on another
 * site opens a GET with the session's cookie, which would read the whole DLQ
 * and audit an export in the user's name. Browsers say where a request came
 * from in Sec-Fetch-Site ("none": typed or bookmarked). A token is no
 * ambient credential.
 */
function sameSiteStart(request: Request, ctx: SessionContext): void {
  const site = request.headers.get("sec-fetch-site");
  if (!ctx.user.token && site !== null && site !== "same-origin" && site !== "none") {
    throw new HttpError(403, "CROSS_SITE", "Start an export from the dashboard itself");
  }
}

/** GET …/export?q=&group=: the whole DLQ, a filter's matches, or an error group, as JSON Lines. */
export const GET = adminRead(
  ExportLineSchema,
  withQueue(async (request, ctx) => {
    sameSiteStart(request, ctx);
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    if (query.q !== undefined && query.group !== undefined) {
      throw new HttpError(400, "INVALID", "Export a filter or a group, not both");
    }
    const what = query.group
      ? `group ${query.group}`
      : query.q !== undefined
        ? `filter ${JSON.stringify(query.q.slice(0, 100))}`
        : "whole DLQ";
    return exportAnswer(ctx, { filter: query.q, group: query.group }, what);
  }),
);

/** POST …/export {messages}: a selection, named by identity (same origin, as every POST). */
export const POST = adminRead(
  ExportLineSchema,
  withSameOrigin(
    withQueue(async (request, ctx) => {
      const { messages } = Body.parse(await jsonBody(request));
      const identities = messages.map((m) => m.identity);
      return exportAnswer(ctx, { identities }, `selected ${identities.length}`, identities);
    }),
  ),
);

const SUMMARY =
  "Exports DLQ entries as JSON Lines (one entry a line with its metadata hash's fields, exact bytes, oldest first), streamed. Only for users named in REDRIVE_EXPORTERS (403 otherwise); REDRIVE_REDACT masks it for everyone; audited.";

documented(GET, {
  summary: SUMMARY,
  query: Query,
  contentType: "application/x-ndjson",
  errors: [403, 404],
});
documented(POST, {
  summary: `${SUMMARY} This form takes a selection by identity.`,
  body: Body,
  contentType: "application/x-ndjson",
  errors: [403, 404, 415],
});
