"use client";

import { useMemo, useState, type ReactNode } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { fmtBytes, fmtInt } from "../format";
import { useFmtTime } from "../time";
import { Confirm, useConfirm } from "../Confirm";
import { Badge, Button, Dialog, ErrorNote, Segmented } from "../ui";
import { GONE, stayOpenOnFailure, useAction, useQueue } from "./context";
import { deleteOne, requeueOne, useWholeMessage, type MoveMode } from "./data";
import { LongText } from "./LongText";
import { fmtRelative } from "./text";

/**
 * One message as it was when opened: a snapshot, so that polling does not
 * swap the entry under the reader's eyes while the DLQ shifts.
 */
export function MessageDrawer(props: { message: DlqMessage | null; onClose: () => void }) {
  const m = props.message;
  const { queue, isAdmin } = useQueue();
  const { busy, run } = useAction();
  const [failure, setFailure] = useState<string | null>(null);
  // Deleting cannot be undone: it is confirmed like every other delete.
  const confirm = useConfirm<DlqMessage>();

  const close = () => {
    setFailure(null);
    confirm.close();
    props.onClose();
  };

  const act = async (mode: MoveMode, message: DlqMessage) => {
    setFailure(null);
    const outcome = await run(
      () => (mode === "requeue" ? requeueOne : deleteOne)(queue, message),
      () =>
        `Message ${message.index} ${mode === "requeue" ? "requeued to the work queue" : "deleted"}.`,
      GONE,
    );
    // Closed after a conflict too: this snapshot is no longer what the DLQ holds. Other
    // failures stay in the drawer (the status line is behind the modal) so that one can retry.
    if (outcome.ok || outcome.conflict) close();
    else setFailure(outcome.message);
    return stayOpenOnFailure(outcome);
  };

  return (
    <Dialog
      side
      open={m !== null}
      title={m ? `Message ${fmtInt(m.index)}` : "Message"}
      onClose={close}
      footer={
        m && isAdmin ? (
          <>
            <Button tone="danger" disabled={busy} onClick={() => confirm.ask(m)}>
              Delete
            </Button>
            <Button tone="primary" disabled={busy} onClick={() => void act("requeue", m)}>
              Requeue
            </Button>
          </>
        ) : undefined
      }
    >
      {failure && (
        <div className="mb-4">
          <ErrorNote error={failure} />
        </div>
      )}
      {m && <Whole m={m} />}
      <Confirm
        target={confirm.target}
        title="Delete message"
        confirmLabel="Delete"
        danger
        onConfirm={(message) => act("delete", message)}
        onClose={confirm.close}
      >
        {(message) => (
          <p>
            Delete message {fmtInt(message.index)} from {queue}&apos;s DLQ? It cannot be brought
            back.
          </p>
        )}
      </Confirm>
    </Dialog>
  );
}

/**
 * Lists carry the head of an entry above 64 KB; the drawer fetches it whole (up to 16 MB)
 * (once: the drawer is a snapshot, not polled).
 */
function Whole({ m }: { m: DlqMessage }) {
  const { queue } = useQueue();
  const { data, error } = useWholeMessage(queue, m);
  const whole = data?.message ?? m;
  return (
    <>
      {m.truncated && !data && !error && (
        <p role="status" className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">
          Loading the whole message ({fmtBytes(m.bytes)})…
        </p>
      )}
      {error && (
        <div className="mb-3">
          <ErrorNote error={error} />
        </div>
      )}
      <Details
        key={`${whole.index}:${whole.identity}:${whole.truncated ? "cut" : "whole"}`}
        m={whole}
      />
    </>
  );
}

function Details({ m }: { m: DlqMessage }) {
  const fmtTime = useFmtTime();
  // A list's cut entry has no parsed payload until the whole one arrives: show its text.
  const formattable = m.isJson && m.payload !== null;
  const [view, setView] = useState<"Formatted" | "Raw">(formattable ? "Formatted" : "Raw");
  // Formatting is the costly part for a large entry: once per message and view.
  const body = useMemo(
    () => (view === "Formatted" && formattable ? JSON.stringify(m.payload, null, 2) : m.raw),
    [view, m, formattable],
  );
  const metadata = m.metadata ? Object.entries(m.metadata) : null;

  return (
    <div className="space-y-5 text-sm">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
        <Field term="Error type">
          <span className="font-mono">{m.errorType ?? "–"}</span>
        </Field>
        <Field term="Retries">{fmtInt(m.retryCount)}</Field>
        <Field term="Failed">
          {m.failedAt ? `${fmtTime(m.failedAt)} (${fmtRelative(m.failedAt)})` : "–"}
        </Field>
        <Field term="Index">{fmtInt(m.index)} (0 is the newest)</Field>
        <Field term="Identity">
          <span className="break-all font-mono text-xs">{m.identity}</span>
        </Field>
        <Field term="Size">
          {fmtBytes(m.bytes)} {!m.isJson && <Badge tone="amber">not a JSON object</Badge>}
        </Field>
        {m.jobId && (
          <Field term="Job id">
            <span className="break-all font-mono text-xs">{m.jobId}</span>
          </Field>
        )}
        {m.filename && (
          <Field term="File">
            <span className="break-all">{m.filename}</span>
          </Field>
        )}
        {m.originalQueue && <Field term="Original queue">{m.originalQueue}</Field>}
      </dl>

      <Section title="Error message">
        {m.errorMessage ? (
          <LongText label="Error message" text={m.errorMessage} limit={16 * 1024} />
        ) : (
          <Muted>None recorded.</Muted>
        )}
      </Section>

      <Section title="Stack">
        {m.errorStack ? (
          <LongText label="Error stack" text={m.errorStack} />
        ) : (
          <Muted>None recorded.</Muted>
        )}
      </Section>

      <Section
        title="Payload"
        actions={
          formattable && (
            <Segmented
              label="Payload view"
              options={["Formatted", "Raw"] as const}
              value={view}
              onChange={setView}
            />
          )
        }
      >
        {formattable && view === "Formatted" && (
          <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
            Formatted from the parsed entry; integers beyond 2^53 are exact only in Raw.
          </p>
        )}
        <LongText key={view} label="Payload" text={body} />
      </Section>

      <Section title="Metadata">
        {metadata && metadata.length > 0 ? (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
            {metadata.map(([k, v]) => (
              <Field key={k} term={k}>
                {v.length > 4096 ? (
                  <LongText label={k} text={v} limit={4096} />
                ) : (
                  <span className="break-all font-mono text-xs">{v}</span>
                )}
              </Field>
            ))}
          </dl>
        ) : (
          <Muted>
            No metadata hash (<span className="font-mono text-xs">{m.metadataKey}</span> expired or
            was never written).
          </Muted>
        )}
      </Section>
    </div>
  );
}

function Field(props: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="break-all text-zinc-600 dark:text-zinc-400">{props.term}</dt>
      <dd className="min-w-0">{props.children}</dd>
    </>
  );
}

function Section(props: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          {props.title}
        </h3>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

function Muted(props: { children: ReactNode }) {
  return <p className="text-zinc-600 dark:text-zinc-400">{props.children}</p>;
}
