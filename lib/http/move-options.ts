import "server-only";
import type { z } from "zod";
import { roleOn } from "../access";
import { auditValue } from "../audit/diffs";
import type { Config } from "../config";
import type { MoveMode, MoveOptions } from "../queues/dlq-move";
import {
  applyEdit,
  applyEdits,
  diffMessages,
  editsOf,
  EDIT_CHANGES_MAX,
  pathText,
  type FieldChange,
} from "../queues/edit";
import { isQueue } from "../queues/keys";
import { EDIT_MESSAGE_MAX_BYTES } from "../queues/limits";
import { parseTopLevel } from "../queues/rawJson";
import type { SessionUser } from "../auth/session";
import { HttpError } from "./errors";
import { laterDetail, laterOf } from "./path-guards";
import type { MessageEdit, PathEdit } from "./schemas";
import { unknownQueue } from "./scope";

/**
 * A requeue's options from its body, checked before anything moves: `at`
 * (later), `to` (route elsewhere: a configured queue the caller is an admin
 * of, not the queue itself) and `edit` (fix, then requeue); with the audit
 * detail that says what was asked. A delete takes none of them.
 */
export interface MoveRequest {
  at?: number;
  to?: string;
  edit?: z.infer<typeof PathEdit>;
}

interface Caller {
  config: Config;
  user: SessionUser;
  queue: string;
}

export function moveOptionsOf(
  ctx: Caller,
  mode: MoveMode,
  req: MoveRequest,
): { options: MoveOptions; detail: string[] } {
  const options: MoveOptions = laterOf(mode, req.at);
  const detail = [laterDetail(req.at)].filter((d) => d !== undefined);
  if (req.to !== undefined) {
    options.to = destination(ctx, mode, req.to);
    detail.unshift(`from ${ctx.queue} to ${req.to}`);
  }
  if (req.edit) {
    if (mode !== "requeue") throw new HttpError(400, "INVALID", "edit is for requeue only");
    const edit = pathEdit(req.edit);
    options.edit = (message) => applyEdit(message, edit);
    const shown = auditValue(ctx.config.REDRIVE_REDACT, edit.path, edit.value ?? null);
    detail.push(`edit: ${pathText(edit.path)} ${shown === null ? "removed" : `set to ${shown}`}`);
  }
  return { options, detail };
}

/** The audit detail of a move of many: what was asked, and what did not move. */
export function moveDetail(
  asked: string[],
  result: { missing: string[]; skipped?: string[] },
): string | undefined {
  const missing = result.missing.length > 0 ? [`${result.missing.length} missing`] : [];
  const skipped = result.skipped?.length ? [`${result.skipped.length} skipped by the edit`] : [];
  return [...asked, ...missing, ...skipped].join("; ") || undefined;
}

function destination(ctx: Caller, mode: MoveMode, to: string): string {
  if (mode !== "requeue") throw new HttpError(400, "INVALID", "to is for requeue only");
  // A queue the caller cannot see answers as one that does not exist.
  const role = isQueue(ctx.config, to) ? roleOn(ctx.user.grants, to) : null;
  if (role === null) throw unknownQueue(to);
  if (role !== "admin")
    throw new HttpError(403, "FORBIDDEN", `Only an admin of ${to} can requeue to it`);
  if (to === ctx.queue) throw new HttpError(400, "INVALID", "to names the message's own queue");
  return to;
}

/** A path edit with its value checked as JSON (a set) or absent (a removal). */
export function pathEdit(e: z.infer<typeof PathEdit>): { path: string[]; value?: string } {
  if (e.set === undefined) return { path: e.path };
  try {
    JSON.parse(e.set);
  } catch {
    throw new HttpError(400, "INVALID", 'set must be JSON text, such as "de", 3 or {"a":1}');
  }
  return { path: e.path, value: e.set };
}

/**
 * One message's edit: the text the admin made of it, checked here; the
 * returned `edit` diffs it against the message as it goes back and applies
 * only what differs. `changes()` gives the last diff made.
 */
export function messageEditor(e: z.infer<typeof MessageEdit>) {
  const after = Buffer.from(e.text);
  if (after.length > EDIT_MESSAGE_MAX_BYTES) {
    throw new HttpError(
      413,
      "TOO_LARGE",
      `An edited message may be at most ${EDIT_MESSAGE_MAX_BYTES} bytes`,
    );
  }
  if (!isJsonObject(e.text, after)) {
    throw new HttpError(400, "INVALID", "The edited message is not one JSON object");
  }
  let last: FieldChange[] = [];
  const edit = (message: Buffer): Buffer | null => {
    const changes = diffMessages(message, after);
    if (!changes)
      throw new HttpError(
        409,
        "CONFLICT",
        "This message is not a JSON object: it cannot be edited",
      );
    if (changes.length === 0)
      throw new HttpError(400, "NO_CHANGE", "The edit changes nothing: requeue it as it is");
    if (changes.length > EDIT_CHANGES_MAX) {
      throw new HttpError(400, "INVALID", `An edit may change at most ${EDIT_CHANGES_MAX} fields`);
    }
    last = changes;
    return applyEdits(message, editsOf(changes));
  };
  return { edit, changes: () => last };
}

function isJsonObject(text: string, bytes: Buffer): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return (
      v !== null && typeof v === "object" && !Array.isArray(v) && parseTopLevel(bytes) !== null
    );
  } catch {
    return false;
  }
}
