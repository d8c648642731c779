"use client";

import { useId, useState } from "react";
import type { ErrorGroup } from "@/lib/http/types";
import { deleteJson, postJson } from "../api";
import { Button, Dialog, ErrorNote } from "../ui";
import { useAction, useQueue } from "./context";
import { errorGroupsPath } from "./data";
import { preview } from "./text";

const input =
  "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** The date input's value for an epoch (the browser's zone), and back (the start of that day). */
const dayOf = (at: number | null) => {
  if (at === null) return "";
  const d = new Date(at * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
/** The end of that day in the browser's zone: "until the 12th" covers the 12th. */
const epochOf = (day: string) =>
  day ? Math.floor(new Date(`${day}T23:59:59`).getTime() / 1000) : null;

/**
 * An error group's note: a sentence, a link (a ticket), and the mark "known"
 * with an optional date until which the growth alert leaves it out. Saved for
 * every admin and viewer to see; audited.
 */
export function NoteDialog(props: { group: ErrorGroup; onClose: () => void }) {
  const form = useNoteForm(props.group, props.onClose);
  return (
    <Dialog
      open
      title="Note on error group"
      onClose={props.onClose}
      footer={
        <>
          {props.group.note && (
            <Button tone="danger" disabled={form.busy} onClick={() => void form.clear()}>
              Remove note
            </Button>
          )}
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            tone="primary"
            disabled={form.busy || form.linkProblem !== null}
            onClick={() => void form.save()}
          >
            Save note
          </Button>
        </>
      }
    >
      <div className="space-y-3 text-sm">
        {form.failure && <ErrorNote error={form.failure} />}
        <p className="break-words font-mono text-xs">
          {preview(props.group.errorType, 80)}: {preview(props.group.pattern, 200)}
        </p>
        <NoteFields form={form} />
      </div>
    </Dialog>
  );
}

/** The note's fields as edited, and its save and removal. */
function useNoteForm(group: ErrorGroup, onClose: () => void) {
  const { queue } = useQueue();
  const { busy, run } = useAction();
  const was = group.note;
  const [note, setNote] = useState(was?.note ?? "");
  const [link, setLink] = useState(was?.link ?? "");
  const [known, setKnown] = useState(was?.known ?? false);
  const [until, setUntil] = useState(dayOf(was?.until ?? null));
  const [failure, setFailure] = useState<string | null>(null);
  const linkProblem =
    link && !/^https?:\/\/\S+$/.test(link) ? "A link starts with http:// or https://" : null;
  const finish = (outcome: { ok: boolean; message?: string }) => {
    if (outcome.ok) onClose();
    else setFailure(outcome.message ?? "failed");
  };
  const save = async () => {
    const untilAt = known ? epochOf(until) : null;
    const body = { group: group.id, note, link: link || null, known, until: untilAt };
    finish(
      await run(
        () => postJson(errorGroupsPath(queue, "notes"), body),
        () => `Note saved on ${group.errorType}.`,
      ),
    );
  };
  const clear = async () =>
    finish(
      await run(
        () => deleteJson(errorGroupsPath(queue, "notes"), { group: group.id }),
        () => `Note removed from ${group.errorType}.`,
      ),
    );
  return {
    ...{ note, setNote, link, setLink, known, setKnown, until, setUntil },
    ...{ busy, failure, linkProblem, save, clear },
  };
}

function NoteFields({ form }: { form: ReturnType<typeof useNoteForm> }) {
  const id = useId();
  return (
    <>
      <label htmlFor={`${id}-note`} className="block font-medium">
        Note
        <textarea
          id={`${id}-note`}
          className={input}
          rows={3}
          maxLength={500}
          value={form.note}
          onChange={(e) => form.setNote(e.target.value)}
        />
      </label>
      <label htmlFor={`${id}-link`} className="block font-medium">
        Link (a ticket, a runbook)
        <input
          id={`${id}-link`}
          type="url"
          className={input}
          placeholder="https://"
          value={form.link}
          onChange={(e) => form.setLink(e.target.value)}
        />
      </label>
      {form.linkProblem && <p className="text-red-700 dark:text-red-300">{form.linkProblem}</p>}
      <label className="flex items-center gap-1.5 font-medium">
        <input
          type="checkbox"
          checked={form.known}
          onChange={(e) => form.setKnown(e.target.checked)}
        />
        Known: list it apart in the review
      </label>
      {form.known && (
        <label htmlFor={`${id}-until`} className="block">
          Leave it out of the growth alert until (empty: as long as it is known)
          <input
            id={`${id}-until`}
            type="date"
            className={input}
            value={form.until}
            onChange={(e) => form.setUntil(e.target.value)}
          />
        </label>
      )}
    </>
  );
}
