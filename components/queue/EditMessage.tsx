"use client";

import { useDeferredValue, useEffect, useId, useMemo, useState } from "react";
import type { DlqMessage, EditPreviewResponse } from "@/lib/http/types";
import { ApiError } from "../api";
import { fmtBytes, fmtInt } from "../format";
import { Button, Dialog, ErrorNote } from "../ui";
import { describeError, useAction, useQueue } from "./context";
import { ChangeList } from "./ChangeList";
import {
  EDIT_MESSAGE_MAX_BYTES,
  editableOf,
  previewMessageEdit,
  requeueEdited,
  type Editable,
} from "./fix-data";

/** What a 409 on an edit means. */
export const EDIT_GONE =
  "This message changed or left the DLQ since the editor opened it (someone requeued, deleted or replaced it). Nothing was written.";

/** The drawer's "Edit & requeue…": the editor, the diff, then the requeue. */
export function EditAndRequeue(props: {
  m: DlqMessage;
  action: ReturnType<typeof useAction>;
  onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const { m } = props;
  return (
    <>
      <Button
        disabled={props.action.busy || !m.isJson}
        title={m.isJson ? undefined : "Only a JSON object can be edited"}
        onClick={() => setOpen(true)}
      >
        Edit &amp; requeue…
      </Button>
      {open && (
        <EditDialog
          m={m}
          action={props.action}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            props.onDone();
          }}
        />
      )}
    </>
  );
}

/** Whether the text is one JSON object of at most the editor's size, and if not why. */
function checkText(text: string): { problem: string | null; bytes: number } {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > EDIT_MESSAGE_MAX_BYTES) {
    return { problem: `Too large: at most ${fmtBytes(EDIT_MESSAGE_MAX_BYTES)}.`, bytes };
  }
  try {
    const v: unknown = JSON.parse(text);
    const object = v !== null && typeof v === "object" && !Array.isArray(v);
    return { problem: object ? null : "The message must stay one JSON object.", bytes };
  } catch (e) {
    return { problem: `Not valid JSON: ${(e as Error).message}`, bytes };
  }
}

function EditDialog(props: {
  m: DlqMessage;
  action: ReturnType<typeof useAction>;
  onClose: () => void;
  onDone: () => void;
}) {
  const { queue } = useQueue();
  const { opened, loadError, text, setText } = useEditable(queue, props.m);
  // The diff shown, and the text it was made of: the requeue sends that text, not a later one.
  const [review, setReview] = useState<{ preview: EditPreviewResponse; text: string } | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const typed = useDeferredValue(text);
  const check = useMemo(() => checkText(typed), [typed]);
  const edit = opened !== "loading" && opened ? { sha1: opened.sha1, text } : null;

  const showDiff = async () => {
    if (!edit) return;
    setFailure(null);
    setReviewing(true);
    try {
      setReview({ preview: await previewMessageEdit(queue, props.m, edit), text: edit.text });
    } catch (error) {
      setFailure(editFailure(error));
    } finally {
      setReviewing(false);
    }
  };
  const requeue = async () => {
    if (!edit || !review) return;
    const reviewed = { ...edit, text: review.text };
    const outcome = await props.action.run(
      () => requeueEdited(queue, props.m, reviewed),
      () => `Message ${props.m.index} requeued with your changes.`,
      EDIT_GONE,
    );
    if (outcome.ok || outcome.conflict) props.onDone();
    else setFailure(outcome.message);
  };

  return (
    <Dialog
      open
      wide
      title={`Edit message ${fmtInt(props.m.index)}, then requeue`}
      onClose={props.onClose}
      footer={
        <EditFooter
          review={review !== null}
          ready={edit !== null && check.problem === null && !reviewing}
          busy={props.action.busy}
          onBack={() => setReview(null)}
          onCancel={props.onClose}
          onReview={() => void showDiff()}
          onRequeue={() => void requeue()}
        />
      }
    >
      {failure && (
        <div className="mb-3">
          <ErrorNote error={failure} />
        </div>
      )}
      {loadError !== null && <ErrorNote error={loadError} />}
      {opened === "loading" && loadError === null && <p role="status">Loading the message…</p>}
      {opened === null && (
        <p>
          This message cannot be edited here: it is not one JSON object, it is larger than{" "}
          {fmtBytes(EDIT_MESSAGE_MAX_BYTES)}, or some of its fields are masked for you.
        </p>
      )}
      {opened !== "loading" && opened && (
        <div className={review ? "hidden" : undefined}>
          <Editor text={text} onText={setText} check={check} readOnly={reviewing} />
        </div>
      )}
      {review && <Review review={review.preview} queue={queue} />}
    </Dialog>
  );
}

/** The message as the editor opens it, loaded once when the editor opens. */
function useEditable(queue: string, m: DlqMessage) {
  const [opened, setOpened] = useState<Editable | null | "loading">("loading");
  const [loadError, setLoadError] = useState<unknown>(null);
  const [text, setText] = useState("");
  useEffect(() => {
    editableOf(queue, m).then(
      (e) => {
        setOpened(e);
        if (e) setText(e.text);
      },
      (error: unknown) => setLoadError(error),
    );
  }, [queue, m]);
  return { opened, loadError, text, setText };
}

/** Editing: cancel or review the diff; reviewing: back, or requeue with the changes. */
function EditFooter(props: {
  review: boolean;
  ready: boolean;
  busy: boolean;
  onBack: () => void;
  onCancel: () => void;
  onReview: () => void;
  onRequeue: () => void;
}) {
  return props.review ? (
    <>
      <Button onClick={props.onBack}>Back to editing</Button>
      <Button tone="primary" disabled={props.busy} onClick={props.onRequeue}>
        Requeue with these changes
      </Button>
    </>
  ) : (
    <>
      <Button onClick={props.onCancel}>Cancel</Button>
      <Button tone="primary" disabled={!props.ready} onClick={props.onReview}>
        Review changes
      </Button>
    </>
  );
}

function Review({ review, queue }: { review: EditPreviewResponse; queue: string }) {
  const n = review.sample.length;
  return (
    <div className="space-y-2 text-sm">
      <p>
        {fmtInt(n)} {n === 1 ? "field" : "fields"} will change; every other byte of the message
        stays as it is. It goes back to the work queue of {queue}.
      </p>
      <ChangeList changes={review.sample} label="Changes" />
    </div>
  );
}

function editFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === "NO_CHANGE") {
    return "You have not changed anything yet (spacing between an object's fields is not a change).";
  }
  return describeError(error, EDIT_GONE);
}

/** The text area, with its syntax check and size as the admin types. */
function Editor(props: {
  text: string;
  onText: (text: string) => void;
  check: { problem: string | null; bytes: number };
  readOnly: boolean;
}) {
  const id = useId();
  return (
    <div className="space-y-1 text-sm">
      <label htmlFor={id} className="block font-medium">
        The message as it goes back (Redrive&apos;s error fields are not part of it)
      </label>
      <textarea
        id={id}
        value={props.text}
        readOnly={props.readOnly}
        onChange={(e) => props.onText(e.target.value)}
        spellCheck={false}
        aria-describedby={`${id}-check`}
        aria-invalid={props.check.problem !== null}
        rows={18}
        className="w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
      />
      <p
        id={`${id}-check`}
        aria-live="polite"
        className={
          props.check.problem
            ? "text-red-700 dark:text-red-300"
            : "text-zinc-600 dark:text-zinc-400"
        }
      >
        {props.check.problem ??
          `Valid JSON · ${fmtBytes(props.check.bytes)} of ${fmtBytes(EDIT_MESSAGE_MAX_BYTES)}`}
      </p>
    </div>
  );
}
