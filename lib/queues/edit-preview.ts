/**
 * What an edit would do before it is made (fix, then requeue): for one
 * message the fields that would change; for a selection or a group how many
 * entries the edit touches, how many it leaves as they are (the field already
 * holds that value), how many it cannot apply to, and one example's changes.
 * Nothing is written.
 */
import { readAt, BATCH_ENTRIES } from "./batch";
import { keysOf, type EngineContext } from "./context";
import { lookFor } from "./dlq-read";
import { diffMessages, type FieldChange } from "./edit";
import { forEachInGroup } from "./errorGroups";
import { forRequeue, hasIdentity, sha1 } from "./message";
import type { Target } from "./dlq-move";

export interface EditPreview {
  /** Entries looked at: the selection's entries still there, or the group's. */
  total: number;
  /** Entries the edit changes. */
  touched: number;
  /** Entries it leaves byte for byte (already so); requeued as they are. */
  unchanged: number;
  /** Entries it cannot apply to (not a JSON object along its path); they would stay. */
  notApplicable: number;
  /** Selected entries no longer at the position listed (looked up again when the requeue runs). */
  moved: number;
  /** The first touched entry's changes. */
  sample: FieldChange[];
}

type Edit = (message: Buffer) => Buffer | null;

/** Counts what the edit does to each entry it is given, keeping no entry. */
function tallier(edit: Edit) {
  const out: EditPreview = {
    total: 0,
    touched: 0,
    unchanged: 0,
    notApplicable: 0,
    moved: 0,
    sample: [],
  };
  const add = (raw: Buffer) => {
    out.total++;
    const message = forRequeue(raw);
    const edited = edit(message);
    if (!edited) out.notApplicable++;
    else if (edited.equals(message)) out.unchanged++;
    else if (out.touched++ === 0) out.sample = diffMessages(message, edited) ?? [];
  };
  return { out, add };
}

/** A selection's preview: each entry read at its listed index and checked against its identity. */
export async function previewSelection(
  ctx: EngineContext,
  queue: string,
  targets: Target[],
  edit: Edit,
): Promise<EditPreview> {
  const { dlq } = keysOf(ctx, queue);
  const hinted = targets.filter((t) => t.index !== undefined);
  const { out, add } = tallier(edit);
  for (let at = 0; at < hinted.length; at += BATCH_ENTRIES) {
    const group = hinted.slice(at, at + BATCH_ENTRIES);
    const entries = await readAt(
      ctx,
      dlq,
      group.map((t) => t.index!),
    );
    entries.forEach((raw, k) => {
      if (raw && hasIdentity(raw, group[k]!.identity)) add(raw);
    });
  }
  return { ...out, moved: targets.length - out.total };
}

/** A group's preview, over the whole DLQ as the group's requeue goes. */
export async function previewGroup(
  ctx: EngineContext,
  queue: string,
  id: string,
  edit: Edit,
): Promise<EditPreview> {
  const { out, add } = tallier(edit);
  await forEachInGroup(ctx, queue, id, add);
  return out;
}

/**
 * The entry with these bytes, named by identity: at `index` when still there,
 * else where that identity now is within the newest READ_LIMITS.scanEntries
 * (as a message's read looks), null when not found or its bytes changed.
 */
export async function entryBySha1(
  ctx: EngineContext,
  queue: string,
  target: { identity: string; index: number; sha1: string },
): Promise<Buffer | null> {
  const { dlq } = keysOf(ctx, queue);
  const [atIndex] = await readAt(ctx, dlq, [target.index]);
  if (atIndex && sha1(atIndex) === target.sha1) return atIndex;
  // Moved: where a message's read would find it, then its bytes.
  const moved = await lookFor(ctx, dlq, target.identity);
  if (moved === null) return null;
  const [found] = await readAt(ctx, dlq, [moved]);
  return found && sha1(found) === target.sha1 ? found : null;
}
