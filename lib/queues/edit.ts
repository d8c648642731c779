/**
 * Fix, then requeue: edits of a message's fields at a path, made on its bytes
 * (./rawJson.ts), so that every member the edit does not name keeps its exact
 * bytes: key order, spacing, escapes and integers beyond 2^53.
 *
 * An admin's edit of one message arrives as the whole edited text; `diffMessages`
 * turns it into the fields that changed (descending into objects both sides
 * hold), and those are applied to the stored bytes. A selection's or a group's
 * edit is one field set or removed at a path.
 */
import { editFields, findMember, parseTopLevel, rawValue, type Member } from "./rawJson";

export { pathText } from "./path-text";

/** One field set (`value`: its JSON text) or removed (`value` undefined), at a path of keys. */
export interface FieldEdit {
  path: string[];
  value?: string;
}

/** A change as the preview and the audit log show it: JSON texts, null where there is none. */
export interface FieldChange {
  path: string[];
  before: string | null;
  after: string | null;
}

/** The most fields one edit of a message may change (the diff, the audit entry, the preview). */
export const EDIT_CHANGES_MAX = 100;

/** `{"b":{"c":v}}` for the path [b, c] and v: what a set makes where objects are missing. */
function nested(path: readonly string[], value: string): string {
  return path.reduceRight((inner, key) => `{${JSON.stringify(key)}:${inner}}`, value);
}

/**
 * The bytes with one field set or removed at `path`, or null when the bytes
 * are not a JSON object or the path passes through a value that is not one.
 * Removing a field that is not there changes nothing; setting one under
 * objects that are missing creates them.
 */
export function applyEdit(buf: Buffer, edit: FieldEdit, depth = 0): Buffer | null {
  const obj = parseTopLevel(buf);
  if (!obj || edit.path.length === 0) return null;
  const key = edit.path[depth]!;
  if (depth === edit.path.length - 1) return editFields(buf, { [key]: edit.value }, obj);
  const member = findMember(obj, key);
  if (!member) {
    if (edit.value === undefined) return buf;
    return editFields(buf, { [key]: nested(edit.path.slice(depth + 1), edit.value) }, obj);
  }
  const inner = applyEdit(buf.subarray(member.valueStart, member.valueEnd), edit, depth + 1);
  if (!inner) return null;
  return Buffer.concat([buf.subarray(0, member.valueStart), inner, buf.subarray(member.valueEnd)]);
}

/** The edits applied in order; null when one cannot be. */
export function applyEdits(buf: Buffer, edits: readonly FieldEdit[]): Buffer | null {
  let out: Buffer | null = buf;
  for (const edit of edits) {
    out = applyEdit(out, edit);
    if (!out) return null;
  }
  return out;
}

/** Each key's member (the last of repeated keys, as JSON.parse reads them), in order. */
function membersByKey(members: readonly Member[]): Map<string, Member> {
  const byKey = new Map<string, Member>();
  for (const m of members) {
    byKey.delete(m.key);
    byKey.set(m.key, m);
  }
  return byKey;
}

/**
 * The fields that differ between two JSON objects: a member one side lacks,
 * or whose value's bytes differ. Objects on both sides are compared member by
 * member, so that a changed `options.language` is that one field and not the
 * whole `options`. Null when `after` is not a JSON object.
 */
export function diffMessages(before: Buffer, after: Buffer): FieldChange[] | null {
  const changes: FieldChange[] = [];
  return diffObjects(before, after, [], changes) ? changes : null;
}

function diffObjects(a: Buffer, b: Buffer, prefix: string[], out: FieldChange[]): boolean {
  const ao = parseTopLevel(a);
  const bo = parseTopLevel(b);
  if (!ao || !bo) return false;
  const am = membersByKey(ao.members);
  const bm = membersByKey(bo.members);
  for (const [key, m] of am) {
    if (!bm.has(key)) out.push({ path: [...prefix, key], before: rawValue(a, m), after: null });
  }
  for (const [key, m] of bm) {
    const old = am.get(key);
    const path = [...prefix, key];
    const text = rawValue(b, m);
    if (!old) {
      out.push({ path, before: null, after: text });
      continue;
    }
    const was = rawValue(a, old);
    if (was === text) continue;
    const inner = (buf: Buffer, x: Member) => buf.subarray(x.valueStart, x.valueEnd);
    if (!(
      was.startsWith("{") &&
      text.startsWith("{") &&
      diffObjects(inner(a, old), inner(b, m), path, out)
    )) {
      out.push({ path, before: was, after: text });
    }
  }
  return true;
}

/** The edits that make `before` into what `changes` describe. */
export function editsOf(changes: readonly FieldChange[]): FieldEdit[] {
  return changes.map((c) => ({ path: c.path, ...(c.after === null ? {} : { value: c.after }) }));
}
