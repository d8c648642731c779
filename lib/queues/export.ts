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
import { isUtf8 } from "node:buffer";
import { readOldest, BATCH_ENTRIES } from "./batch";
import { keysOf, type EngineContext } from "./context";
import { metadataFor } from "./dlq-read";
import { groupIdsOf } from "./errorGroups";
import { identityOf, sha1 } from "./message";
import { redactText, type Redactor } from "./redact";

/**
 * Which entries: all, those containing a text, one error group's, or some
 * named by identity. `reader`: the redactor of a reader who gets masked views
 * (a viewer while REDRIVE_REDACT is set); then identities and group ids are
 * the tokens that reader was shown, so that naming a guessed `id:` or a
 * guessed group cannot confirm the guess.
 */
export interface ExportSelect {
  filter?: string;
  group?: string;
  identities?: readonly string[];
  reader?: Redactor | null;
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
  if (!isUtf8(raw)) return `"entry_base64":${JSON.stringify(raw.toString("base64"))}`;
  const text = raw.toString("utf8");
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
  const hash = sha1(raw);
  // identityOf's answer without its parse when no top-level `id` can be there.
  const identity = raw.includes('"id"') ? identityOf(raw) : `h:${hash}`;
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
  const head = { queue, identity, sha1: hash, bytes: raw.length };
  return `${JSON.stringify(head).slice(0, -1)},${entryMember(raw)},"metadata":${JSON.stringify(metadata)}}`;
}

/** Whether each entry of a page is selected. */
async function selected(
  ctx: EngineContext,
  page: Buffer[],
  select: ExportSelect,
  redactor: Redactor | null,
): Promise<boolean[]> {
  const reader = select.reader ?? null;
  if (select.group !== undefined) {
    const ids = await groupIdsOf(ctx, page);
    return ids.map((id) => (reader ? reader.groupId(id) : id) === select.group);
  }
  if (select.identities) {
    const wanted = new Set(select.identities);
    const named = (identity: string) => wanted.has(reader ? reader.identity(identity) : identity);
    return page.map((raw) => named(identityOf(raw)) || named(`h:${sha1(raw)}`));
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
  // A page's entries, chosen, with their metadata: all of it Redis's work, so the next
  // page's runs while this one is made into lines.
  const fetchPage = async (skip: number) => {
    const want = Math.min(BATCH_ENTRIES, progress.total - skip);
    const page = want > 0 ? await readOldest(ctx, dlq, skip, want) : [];
    const keep = await selected(ctx, page, select, redactor);
    const chosen = page.filter((_, i) => keep[i]);
    return { read: page.length, chosen, metadata: await metadataFor(ctx, chosen) };
  };
  let next = fetchPage(0);
  let skip = 0;
  try {
    for (;;) {
      const { read, chosen, metadata } = await next;
      if (read === 0) break;
      skip += read;
      next = skip < progress.total ? fetchPage(skip) : Promise.resolve(NO_PAGE);
      progress.read = skip;
      if (chosen.length === 0) continue;
      progress.exported += chosen.length;
      yield chosen
        .map((raw, i) => `${exportLine(queue, raw, metadata[i] ?? null, redactor)}\n`)
        .join("");
    }
  } finally {
    // A consumer that stopped early leaves one page in flight: its answer is not wanted.
    next.catch(() => undefined);
  }
}

const NO_PAGE = {
  read: 0,
  chosen: [] as Buffer[],
  metadata: [] as (Record<string, string> | null)[],
};
