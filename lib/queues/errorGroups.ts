import { createHash } from "node:crypto";
import { BATCH, keysOf, type EngineContext } from "./context";
import { moveByIdentity, type MoveMode, type MoveResult, type Target } from "./dlq";
import { failedAtOf, identityOf, metadataKeyOf, retryCountOf } from "./message";
import { execAll } from "./pipeline";
import { normalizeError } from "./normalize";
import { findMember, parseTopLevel, rawValue } from "./rawJson";

/**
 * Top error groups of a DLQ: entries whose error type and message are the same
 * once ids, numbers, hex, paths and URLs are normalised away ("timed out after
 * 30 s reading gs://b/u/1.pdf" and "... 31 s ... 2.pdf" are one group).
 */
export interface ErrorGroup {
  id: string;
  errorType: string;
  /** The normalised message. */
  pattern: string;
  /** One real message of the group. */
  example: string;
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

export interface ErrorGroups {
  groups: ErrorGroup[];
  /** Entries looked at, newest first. */
  scanned: number;
  total: number;
  complete: boolean;
  /** Mean retry_count of the entries looked at (null when none). */
  averageRetryCount: number | null;
}

export function groupId(errorType: string, pattern: string): string {
  return createHash("sha1").update(`${errorType}\n${pattern}`).digest("hex").slice(0, 12);
}

interface EntryError {
  type: string;
  message: string;
}

/** The error of an entry: its `error` member (object or string), else its metadata hash. */
function inlineError(raw: Buffer): EntryError | null {
  const obj = parseTopLevel(raw);
  const m = obj ? findMember(obj, "error") : undefined;
  if (!m) return null;
  try {
    const value = JSON.parse(rawValue(raw, m)) as unknown;
    if (typeof value === "string") return { type: "Error", message: value };
    if (value && typeof value === "object") {
      const e = value as { type?: unknown; message?: unknown };
      return { type: String(e.type ?? "Error"), message: String(e.message ?? "") };
    }
  } catch {
    // fall through to the metadata hash
  }
  return null;
}

async function errorsOf(ctx: EngineContext, page: Buffer[]): Promise<EntryError[]> {
  const inline = page.map(inlineError);
  const missing = inline.flatMap((e, i) => (e ? [] : [i]));
  if (missing.length > 0) {
    const pipeline = ctx.redis.pipeline();
    for (const i of missing) pipeline.hmget(metadataKeyOf(page[i]!), "error_type", "error_message");
    const rows = (await execAll(pipeline)) as (string | null)[][];
    missing.forEach((i, k) => {
      const [type, message] = rows[k]!;
      inline[i] = { type: type ?? "Unknown", message: message ?? "(no error recorded)" };
    });
  }
  return inline as EntryError[];
}

/** Groups the newest `scanMax` entries (1000 a read). */
export async function getErrorGroups(
  ctx: EngineContext,
  queue: string,
  scanMax = 10_000,
): Promise<ErrorGroups> {
  const { dlq } = keysOf(ctx, queue);
  const total = await ctx.redis.llen(dlq);
  const groups = new Map<string, ErrorGroup>();
  let scanned = 0;
  let retries = 0;
  while (scanned < Math.min(total, scanMax)) {
    const page = await ctx.redis.lrangeBuffer(dlq, scanned, Math.min(scanned + BATCH, scanMax) - 1);
    if (page.length === 0) break;
    const errors = await errorsOf(ctx, page);
    page.forEach((raw, i) => {
      addToGroup(groups, errors[i]!, failedAtOf(raw));
      retries += retryCountOf(raw);
    });
    scanned += page.length;
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  return {
    groups: sorted,
    scanned,
    total,
    complete: scanned >= total,
    averageRetryCount: scanned > 0 ? retries / scanned : null,
  };
}

function addToGroup(groups: Map<string, ErrorGroup>, error: EntryError, at: number | null): void {
  const pattern = normalizeError(error.message);
  const id = groupId(error.type, pattern);
  const g = groups.get(id) ?? {
    id,
    errorType: error.type,
    pattern,
    example: error.message.slice(0, 500),
    count: 0,
    firstSeen: null,
    lastSeen: null,
  };
  g.count++;
  if (at !== null) {
    g.firstSeen = g.firstSeen === null ? at : Math.min(g.firstSeen, at);
    g.lastSeen = g.lastSeen === null ? at : Math.max(g.lastSeen, at);
  }
  groups.set(id, g);
}

/**
 * Requeues or deletes every entry of a group, over the whole DLQ: the scan
 * collects identities and positions, then moves go by identity, ≤ 1000 a call.
 */
export async function moveErrorGroup(
  ctx: EngineContext,
  queue: string,
  id: string,
  mode: MoveMode,
): Promise<MoveResult> {
  const { dlq } = keysOf(ctx, queue);
  const targets: Target[] = [];
  const total = await ctx.redis.llen(dlq);
  for (let start = 0; start < total; start += BATCH) {
    const page = await ctx.redis.lrangeBuffer(dlq, start, start + BATCH - 1);
    const errors = await errorsOf(ctx, page);
    page.forEach((raw, i) => {
      const e = errors[i]!;
      if (groupId(e.type, normalizeError(e.message)) === id)
        targets.push({ identity: identityOf(raw), index: start + i });
    });
  }
  const result: MoveResult = { moved: [], missing: [] };
  // From the end of the list first, so that moving one chunk does not shift the next one's positions.
  for (let end = targets.length; end > 0; end -= BATCH) {
    const chunk = await moveByIdentity(
      ctx,
      queue,
      mode,
      targets.slice(Math.max(0, end - BATCH), end),
    );
    result.moved.push(...chunk.moved);
    result.missing.push(...chunk.missing);
  }
  return result;
}
