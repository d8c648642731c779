/** Fix then requeue and route elsewhere: the queue page's side of those routes. */
"use client";

import type { DlqMessageResponse, EditPreviewResponse, RequeueResponse } from "@/lib/http/types";
import { getJson, postJson, queuePath } from "../api";
import { errorGroupsPath, messagePath, type MessageRef } from "./data";

export { EDIT_MESSAGE_MAX_BYTES } from "@/lib/http/types";

/** What the editor opens: the message as a requeue restores it, and its entry's sha1. */
export type Editable = NonNullable<DlqMessageResponse["editable"]>;

export async function editableOf(queue: string, m: MessageRef): Promise<Editable | null> {
  const res = await getJson<DlqMessageResponse>(messagePath(queue, m));
  return res.editable ?? null;
}

/** One field set (`set`: JSON text) or removed, at a path of keys. */
export interface PathEdit {
  path: string[];
  set?: string;
  remove?: true;
}

/** What a requeue of many goes with: another queue, a due time, one field's edit. */
export interface RequeueWith {
  to?: string;
  at?: number;
  edit?: PathEdit;
}

/** The messages of a selection, or an error group by its id. */
export type Many = { messages: MessageRef[] } | { group: string };

export function previewMessageEdit(
  queue: string,
  m: MessageRef,
  edit: Editable,
): Promise<EditPreviewResponse> {
  return postJson<EditPreviewResponse>(queuePath(queue, "edit-preview"), {
    identity: m.identity,
    index: m.index,
    edit,
  });
}

export function previewManyEdit(
  queue: string,
  many: Many,
  edit: PathEdit,
): Promise<EditPreviewResponse> {
  return postJson<EditPreviewResponse>(queuePath(queue, "edit-preview"), { ...many, edit });
}

/** Requeues one message as the admin edited it; 409 when its entry is no longer those bytes. */
export function requeueEdited(
  queue: string,
  m: MessageRef,
  edit: Editable,
): Promise<RequeueResponse> {
  return postJson<RequeueResponse>(queuePath(queue, "requeue", String(m.index)), {
    identity: m.identity,
    edit,
  });
}

/** Requeues a selection or a group elsewhere, later, or with one field edited. */
export function requeueMany(
  queue: string,
  many: Many,
  options: RequeueWith,
): Promise<RequeueResponse> {
  const path = "group" in many ? errorGroupsPath(queue, "requeue") : queuePath(queue, "requeue");
  return postJson<RequeueResponse>(path, { ...many, ...options });
}
