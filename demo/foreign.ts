import { randomUUID } from "node:crypto";
import { keysOf, type EngineContext } from "../lib/queues/context";
import { retentionSeconds } from "../lib/queues/producer";
import { execBySlot } from "../lib/redis/pipeline";

/**
 * DLQ entries Redrive did not write, as they exist beside it in real
 * deployments: the Python backend (its json.dumps separators, only
 * job_id and filename, the error in a `dlq:metadata:{job_id}:{filename}`
 * hash), a line that is not JSON at all, and one whose text is HTML with a
 * script, which the dashboard must show as text.
 */

/** json.dumps with its default ", " and ": " separators. */
function pythonDumps(obj: Record<string, unknown>): string {
  return `{${Object.entries(obj)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(", ")}}`;
}

/** datetime.utcnow().isoformat(): no zone, microseconds. */
function pythonNow(agoSeconds: number): string {
  return new Date(Date.now() - agoSeconds * 1000).toISOString().slice(0, -1) + "000";
}

const TRACEBACK = (file: string) =>
  [
    "Traceback (most recent call last):",
    '  File "/app/backend/workers/document_worker.py", line 142, in process_message',
    "    pages = ocr.extract(path)",
    '  File "/app/backend/services/ocr.py", line 57, in extract',
    "    image = Image.open(path)",
    `PIL.UnidentifiedImageError: cannot identify image file '${file}'`,
  ].join("\n");

/** The queue a foreign entry goes to: the named one if configured, else one that is. */
function queueFor(queues: string[], wanted: string, fallback: number): string {
  return queues.includes(wanted) ? wanted : queues[fallback % queues.length]!;
}

async function pythonEntry(ctx: EngineContext, queue: string, filename: string, ago: number) {
  const jobId = randomUUID();
  const metaKey = `dlq:metadata:${jobId}:${filename}`;
  const dlq = keysOf(ctx, queue).dlq;
  const fields = {
    job_id: jobId,
    filename,
    error_type: "UnidentifiedImageError",
    error_message: `cannot identify image file '${filename}'`,
    error_stack: TRACEBACK(filename),
    retry_count: "3",
    failed_at: pythonNow(ago),
    original_queue: queue,
  };
  // One MULTI on one server; on a Cluster the entry and its hash are in two slots, one each.
  await execBySlot(
    ctx.redis,
    [
      { key: dlq, add: (m) => m.lpush(dlq, pythonDumps({ job_id: jobId, filename })) },
      {
        key: metaKey,
        add: (m) => m.hset(metaKey, fields).expire(metaKey, retentionSeconds(ctx.config)),
      },
    ],
    true,
  );
}

/** Writes the foreign entries; returns one line per entry for the log. */
export async function writeForeignEntries(ctx: EngineContext): Promise<string[]> {
  const queues = ctx.config.QUEUES;
  const doc = queueFor(queues, "document", 0);
  const audio = queueFor(queues, "audio", 1);
  const graph = queueFor(queues, "graph", 3);
  await pythonEntry(ctx, doc, "legacy/scan_0042.tiff", 3 * 3600);
  await pythonEntry(ctx, doc, "legacy/fax_2019_117.tiff", 26 * 3600);
  const line = 'job=7731 file=meetings/standup-0612.m4a status=failed reason="ffprobe exited 1"';
  await ctx.redis.lpush(keysOf(ctx, audio).dlq, line);
  const html = JSON.stringify({
    job_id: randomUUID(),
    filename: "<img src=x onerror=alert(1)>.pdf",
    comment: "<script>alert('xss')</script>",
    error: "<b>parser crashed</b> on <i>page 3</i>",
  });
  await ctx.redis.lpush(keysOf(ctx, graph).dlq, html);
  return [
    `${doc}: 2 entries from the Python backend (job_id + filename, error in dlq:metadata:*)`,
    `${audio}: 1 line that is not JSON`,
    `${graph}: 1 entry with HTML and a <script> in its text`,
  ];
}
