/**
 * Notes that last: an admin's note on an error group (a sentence and a link,
 * such as a ticket), and the mark "known" (the daily review lists known
 * groups apart, and the growth alert can leave them out until a date).
 *
 * One HASH `<prefix>:group-notes`, field `<queue>:<group id>`, value JSON
 * {note, link, known, until, by, at}: the overview reads every queue's notes
 * with one HGETALL. At most GROUP_NOTES_MAX notes in all.
 */
import { z } from "zod";
import { ownKey, type KeyPrefix } from "../own-keys";
import { nowSeconds, type EngineContext } from "./context";
import { EngineError } from "./errors";
import { GroupNoteSchema } from "./schemas";

export type GroupNote = z.infer<typeof GroupNoteSchema>;

export const groupNotesKey = (c: KeyPrefix) => ownKey(c, "group-notes");

export const GROUP_NOTES_MAX = 10_000;

const field = (queue: string, group: string) => `${queue}:${group}`;

/** What an admin sets: the note's text and link, and whether (and until when) the group is known. */
export interface NoteInput {
  note: string;
  link: string | null;
  known: boolean;
  until: number | null;
}

export async function setGroupNote(
  ctx: EngineContext,
  queue: string,
  group: string,
  input: NoteInput,
  by: string,
): Promise<GroupNote> {
  const key = groupNotesKey(ctx.config);
  const name = field(queue, group);
  const exists = await ctx.redis.hexists(key, name);
  if (!exists && (await ctx.redis.hlen(key)) >= GROUP_NOTES_MAX) {
    throw new EngineError(
      "INVALID",
      `at most ${GROUP_NOTES_MAX} error group notes; clear some first`,
    );
  }
  const note: GroupNote = { ...input, by, at: Math.floor(nowSeconds(ctx)) };
  await ctx.redis.hset(key, name, JSON.stringify(note));
  return note;
}

/** Removes a group's note and mark; false when it had none. */
export async function clearGroupNote(
  ctx: EngineContext,
  queue: string,
  group: string,
): Promise<boolean> {
  return (await ctx.redis.hdel(groupNotesKey(ctx.config), field(queue, group))) > 0;
}

/** Every configured queue's notes: queue → group id → note. Fields another writer broke are left out. */
export async function readGroupNotes(
  ctx: EngineContext,
): Promise<Map<string, Map<string, GroupNote>>> {
  const all = await ctx.redis.hgetall(groupNotesKey(ctx.config));
  const out = new Map<string, Map<string, GroupNote>>();
  for (const [name, text] of Object.entries(all)) {
    const at = name.lastIndexOf(":");
    const note = parseNote(text);
    if (at <= 0 || !note) continue;
    const queue = name.slice(0, at);
    if (!out.has(queue)) out.set(queue, new Map());
    out.get(queue)!.set(name.slice(at + 1), note);
  }
  return out;
}

function parseNote(text: string): GroupNote | null {
  try {
    const parsed = GroupNoteSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether a note marks its group known now: known, and its date (if any) not passed. */
export function knownNow(note: GroupNote | undefined, now: number): boolean {
  return note !== undefined && note.known && (note.until === null || note.until > now);
}

/** Groups with their notes joined (the groups keep their order; a group without one is as it was). */
export function withNotes<G extends { id: string }>(
  groups: G[],
  notes: Map<string, GroupNote> | undefined,
): (G & { note?: GroupNote })[] {
  if (!notes || notes.size === 0) return groups;
  return groups.map((g) => {
    const note = notes.get(g.id);
    return note ? { ...g, note } : g;
  });
}
