/**
 * Export: a DLQ's entries as JSON Lines, one entry a line with its metadata
 * hash's fields beside it, read a page at a time so that a 1 000 000-entry
 * DLQ streams in bounded memory (one page of at most BATCH_BYTES, and the
 * lines made of it, at once).
 *
 * Entries are read from the oldest end, up to the number the DLQ held when
 * the export began: failures that arrive meanwhile (pushed at the head) are
 * neither exported nor shift what is still to read. A requeue or delete by
 * someone else meanwhile shifts the rest toward the tail, so an export of a
 * DLQ others are working on may miss entries.
 */
import { readTail, BATCH_ENTRIES } from "./batch";
import { keysOf, type EngineContext } from "./context";
import { metadataFor } from "./dlq-read";
import { groupIdsOf } from "./errorGroups";
import { identityOf, sha1 } from "./message";
import { redactText, type Redactor } from "./redact";

/** Which entries: all, those containing a text, one error group's, or some named by identity. */
export interface ExportSelect {
  filter?: string;
  group?: string;
  identities?: readonly string[];
}

/** One line of an export (docs: README, "Export"). */
export interface ExportLine {
  queue: string;
  identity: string;
  /** The entry's sha1 (left out when masked: it would confirm a guessed value). */
  sha1?: string;
  bytes: number;
  /** The entry's exact bytes, when they are JSON on one line in valid UTF-8. */
  entry?: unknown;
  /** Else the exact text (valid UTF-8, not one-line JSON)… */
  entry_text?: string;
  /** …else the bytes in base64. */
  entry_base64?: string;
  /** Set when REDRIVE_REDACT masked it: `entry` is the masked JSON, not the stored bytes. */
  redacted?: true;
  metadata: Record<string, string> | null;
}

/** The `entry…` member of a line: the exact bytes in the most readable form that keeps them. */
function entryMember(raw: Buffer): string {
  const text = raw.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(raw))
    return `"entry_base64":${JSON.stringify(raw.toString("base64"))}`;
  if (!text.includes("\n") && !text.includes("\r") && isJson(text)) return `"entry":${text}`;
  return `"entry_text":${JSON.stringify(text)}`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One line, without its newline. Built by hand so that `entry` is the stored bytes, not a re-serialisation. */
export function exportLine(
  queue: string,
  raw: Buffer,
  metadata: Record<string, string> | null,
  redactor: Redactor | null,
): string {
  const identity = identityOf(raw);
  if (redactor) {
    const masked = redactText(raw.toString("utf8"), redactor.paths);
    const entry = isJson(masked) ? `"entry":${masked}` : `"entry_text":${JSON.stringify(masked)}`;
    const head = {
      queue,
      identity: redactor.identity(identity),
      bytes: raw.length,
      redacted: true,
    };
    return `${JSON.stringify(head).slice(0, -1)},${entry},"metadata":${JSON.stringify(redactor.metadata(metadata))}}`;
  }
  const head = { queue, identity, sha1: sha1(raw), bytes: raw.length };
  return `${JSON.stringify(head).slice(0, -1)},${entryMember(raw)},"metadata":${JSON.stringify(metadata)}}`;
}

/** Whether each entry of a page is selected. */
async function selected(
  ctx: EngineContext,
  page: Buffer[],
  select: ExportSelect,
  redactor: Redactor | null,
): Promise<boolean[]> {
  if (select.group !== undefined) {
    const ids = await groupIdsOf(ctx, page);
    return ids.map((id) => id === select.group);
  }
  if (select.identities) {
    const wanted = new Set(select.identities);
    return page.map((raw) => wanted.has(identityOf(raw)) || wanted.has(`h:${sha1(raw)}`));
  }
  if (select.filter !== undefined) {
    // What the file would show: a filter never selects by a masked value.
    const needle = select.filter.toLowerCase();
    const text = (raw: Buffer) => {
      const t = raw.toString("utf8");
      return redactor ? redactText(t, redactor.paths) : t;
    };
    return page.map((raw) => text(raw).toLowerCase().includes(needle));
  }
  return page.map(() => true);
}

export interface ExportProgress {
  /** Entries looked at, of `total`. */
  read: number;
  total: number;
  /** Lines written. */
  exported: number;
}

/**
 * The export's lines, a page at a time (each with its newline), oldest entry
 * first. `progress` is updated as it goes, for the caller's audit and log.
 */
export async function* exportPages(
  ctx: EngineContext,
  queue: string,
  select: ExportSelect,
  redactor: Redactor | null,
  progress: ExportProgress = { read: 0, total: 0, exported: 0 },
): AsyncGenerator<string> {
  const { dlq } = keysOf(ctx, queue);
  progress.total = await ctx.redis.llen(dlq);
  while (progress.read < progress.total) {
    const want = Math.min(BATCH_ENTRIES, progress.total - progress.read);
    const page = await readTail(ctx, dlq, progress.read, want);
    if (page.length === 0) break;
    progress.read += page.length;
    const keep = await selected(ctx, page, select, redactor);
    const chosen = page.filter((_, i) => keep[i]);
    if (chosen.length === 0) continue;
    const metadata = await metadataFor(ctx, chosen);
    progress.exported += chosen.length;
    yield chosen
      .map((raw, i) => `${exportLine(queue, raw, metadata[i] ?? null, redactor)}\n`)
      .join("");
  }
}
