"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { EditPreviewResponse, RequeueResponse } from "@/lib/http/types";
import { useDashboard } from "../DashboardProvider";
import { fmtInt } from "../format";
import { Button, Dialog, ErrorNote } from "../ui";
import { describeError, useAction, useQueue } from "./context";
import { ChangeList } from "./ChangeList";
import { previewManyEdit, requeueMany, type Many, type PathEdit } from "./fix-data";
import { LaterPicker, useLater } from "./LaterDialog";
import { DeepMoveNote } from "./MoveConfirm";
import { plural } from "./text";

const input =
  "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** A field edit as typed: `options.language`, set to JSON text or removed; or why it is not one. */
function parseEdit(path: string, op: "set" | "remove", value: string): PathEdit | string {
  const keys = path.split(".").map((k) => k.trim());
  if (path.trim() === "" || keys.some((k) => k === ""))
    return "Name the field: keys separated by dots.";
  if (op === "remove") return { path: keys, remove: true };
  try {
    JSON.parse(value);
  } catch {
    return 'The value must be JSON: text in quotes ("de"), a number, true, false, null, {…} or […].';
  }
  return { path: keys, set: value };
}

/** What a requeue of many did, in a sentence. */
export function requeuedText(r: RequeueResponse, where: string): string {
  const missing = r.missing.length > 0 ? `; ${fmtInt(r.missing.length)} had already gone` : "";
  const skipped = r.skipped?.length
    ? `; ${plural(r.skipped.length, "message")} could not take the edit and stayed in the DLQ`
    : "";
  return `${plural(r.moved.length, "message")} requeued ${where}${missing}${skipped}.`;
}

/**
 * Requeue a selection or an error group with options: to another queue the
 * admin manages, later, and with one field set or removed. An edit is
 * previewed first: how many entries it changes, leaves as they are, or
 * cannot apply to (those stay in the DLQ), and one example's diff.
 */
export function RequeueWith(props: {
  what: string;
  many: Many;
  /** What the move costs Redis when deep inside a long DLQ (deepMoveNote), else null. */
  deep?: string | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { queue } = useQueue();
  const { queues, isAdminOf } = useDashboard();
  const others = queues.filter((q) => q !== queue && isAdminOf(q));
  const s = useRequeueWith(queue, props.many, props.onDone);
  const { field, preview, problem } = s;
  return (
    <Dialog
      open
      title={`Requeue ${props.what} with options`}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          {field.on && (
            <Button disabled={problem !== null} onClick={() => void s.showPreview()}>
              Preview the edit
            </Button>
          )}
          <Button
            tone="primary"
            disabled={s.busy || problem !== null || (field.on && preview === null)}
            title={field.on && preview === null ? "Preview the edit first" : undefined}
            onClick={() => void s.requeue()}
          >
            Requeue
          </Button>
        </>
      }
    >
      <div className="space-y-4 text-sm">
        {s.failure && <ErrorNote error={s.failure} />}
        <Destination queue={queue} others={others} to={s.to} onTo={s.setTo} />
        <fieldset className="space-y-2">
          <legend className="font-medium">When</legend>
          <div className="flex gap-4">
            {(["now", "later"] as const).map((w) => (
              <label key={w} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name="when"
                  checked={s.when === w}
                  onChange={() => s.setWhen(w)}
                />
                {w === "now" ? "Now" : "Later"}
              </label>
            ))}
          </div>
          {s.when === "later" && <LaterPicker later={s.later} />}
        </fieldset>
        <FieldEdit field={field} onChange={s.changeField} problem={s.editProblem} />
        {preview && <PreviewText preview={preview} />}
        <DeepMoveNote note={props.deep ?? null} />
      </div>
    </Dialog>
  );
}

/** The dialog's choices, and the preview and requeue they lead to. */
function useRequeueWith(queue: string, many: Many, onDone: () => void) {
  const { busy, run } = useAction();
  const [to, setTo] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const later = useLater();
  const [field, setField] = useState<FieldState>({ on: false, path: "", op: "set", value: "" });
  const fieldRef = useRef(field);
  useEffect(() => {
    fieldRef.current = field;
  }, [field]);
  const [preview, setPreview] = useState<EditPreviewResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const edit = field.on ? parseEdit(field.path, field.op, field.value) : null;
  const editProblem = typeof edit === "string" ? edit : null;
  const problem = editProblem ?? (when === "later" ? later.problem : null);
  const where = `${to ? `to ${to}` : "to the work queue"}${when === "later" ? " (later, via the retry set)" : ""}`;
  const changeField = (change: Partial<FieldState>) => {
    setField((f) => ({ ...f, ...change }));
    setPreview(null);
  };
  const showPreview = async () => {
    if (!edit || typeof edit === "string") return;
    setFailure(null);
    const asked = fieldRef.current;
    try {
      const answer = await previewManyEdit(queue, many, edit);
      // A field changed while it was asked for: that preview is of another edit.
      if (fieldRef.current === asked) setPreview(answer);
    } catch (error) {
      setFailure(describeError(error));
    }
  };
  const requeue = async () => {
    const options = {
      ...(to ? { to } : {}),
      ...(when === "later" && later.at !== null ? { at: later.at } : {}),
      ...(edit && typeof edit !== "string" ? { edit } : {}),
    };
    const outcome = await run(
      () => requeueMany(queue, many, options),
      (r) => requeuedText(r, where),
    );
    if (outcome.ok || outcome.conflict) onDone();
    else setFailure(outcome.message);
  };
  return {
    busy,
    to,
    setTo,
    when,
    setWhen,
    later,
    field,
    changeField,
    preview,
    failure,
    problem,
    editProblem,
    showPreview,
    requeue,
  };
}

function Destination(props: {
  queue: string;
  others: string[];
  to: string;
  onTo: (to: string) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block font-medium">
        Queue
      </label>
      <select
        id={id}
        className={input}
        value={props.to}
        onChange={(e) => props.onTo(e.target.value)}
      >
        <option value="">{props.queue} (its own queue)</option>
        {props.others.map((q) => (
          <option key={q} value={q}>
            {q}
          </option>
        ))}
      </select>
    </div>
  );
}

interface FieldState {
  on: boolean;
  path: string;
  op: "set" | "remove";
  value: string;
}

function FieldEdit(props: {
  field: FieldState;
  onChange: (c: Partial<FieldState>) => void;
  problem: string | null;
}) {
  const id = useId();
  const { field } = props;
  return (
    <fieldset className="space-y-2">
      <label className="flex items-center gap-1.5 font-medium">
        <input
          type="checkbox"
          checked={field.on}
          onChange={(e) => props.onChange({ on: e.target.checked })}
        />
        Change one field in each message
      </label>
      {field.on && (
        <>
          <div>
            <label htmlFor={`${id}-path`} className="block">
              Field (keys separated by dots)
            </label>
            <input
              id={`${id}-path`}
              className={`${input} font-mono`}
              placeholder="options.language"
              value={field.path}
              onChange={(e) => props.onChange({ path: e.target.value })}
            />
          </div>
          <div className="flex gap-4">
            {(["set", "remove"] as const).map((op) => (
              <label key={op} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name={`${id}-op`}
                  checked={field.op === op}
                  onChange={() => props.onChange({ op })}
                />
                {op === "set" ? "Set to" : "Remove it"}
              </label>
            ))}
          </div>
          {field.op === "set" && (
            <div>
              <label htmlFor={`${id}-value`} className="block">
                Value (JSON)
              </label>
              <input
                id={`${id}-value`}
                className={`${input} font-mono`}
                placeholder='"de"'
                value={field.value}
                onChange={(e) => props.onChange({ value: e.target.value })}
              />
            </div>
          )}
          {props.problem && <p className="text-red-700 dark:text-red-300">{props.problem}</p>}
        </>
      )}
    </fieldset>
  );
}

function PreviewText({ preview }: { preview: EditPreviewResponse }) {
  const p = preview;
  return (
    <div className="space-y-2" role="status">
      <p>
        Of {plural(p.total, "message")} looked at, the edit changes {fmtInt(p.touched)}
        {p.unchanged > 0 && `, leaves ${fmtInt(p.unchanged)} as they are (already so)`}
        {p.notApplicable > 0 &&
          `; ${fmtInt(p.notApplicable)} cannot take it and will stay in the DLQ`}
        {p.moved > 0 && `; ${fmtInt(p.moved)} moved since listed and are looked up again`}.
      </p>
      {p.sample.length > 0 && <ChangeList changes={p.sample} label="Example change" />}
    </div>
  );
}
