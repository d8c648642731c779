"use client";

import { useCallback, useMemo } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { DataTable, type Column } from "../table/DataTable";
import { fmtInt, isoTime } from "../format";
import { useFmtTime } from "../time";
import { Button } from "../ui";
import { GONE, stayOpenOnFailure, useAction, useQueue } from "./context";
import { requeueOne } from "./data";
import { MoveConfirm, oneIndex, oneName, useMoveConfirm } from "./MoveConfirm";
import { fmtRelative, preview } from "./text";

/** The most of an error message a row shows: lists carry up to 4 KB of it. */
const MESSAGE_CHARS = 4096;

/**
 * Selection keys for the rows of a page: the identity, numbered when identical
 * messages repeat. Not the index: a busy DLQ shifts every index at each new
 * failure, and a checked row must stay checked across polls.
 */
export function pageKeys(messages: readonly { identity: string }[]): string[] {
  const seen = new Map<string, number>();
  return messages.map((m) => {
    const n = (seen.get(m.identity) ?? 0) + 1;
    seen.set(m.identity, n);
    return `${m.identity}#${n}`;
  });
}

function NotSet() {
  return <span className="text-zinc-600 dark:text-zinc-400">–</span>;
}

function columns(fmtTime: (t: number) => string): Column<DlqMessage>[] {
  return [
    {
      id: "index",
      header: "#",
      align: "right",
      className: "text-zinc-600 dark:text-zinc-400",
      cell: (m) => fmtInt(m.index),
    },
    {
      id: "type",
      header: "Error type",
      phone: "title",
      className: "max-w-40 truncate font-mono text-xs",
      title: (m) => m.errorType ?? undefined,
      cell: (m) => (m.errorType ? preview(m.errorType, 60) : <NotSet />),
    },
    {
      // On a phone this is what the on-call admin came to read: in full, wrapped.
      id: "message",
      header: "Error message",
      phone: "full",
      className: "max-w-72 truncate",
      title: (m) => (m.errorMessage ? preview(m.errorMessage, 500) : undefined),
      cell: (m) => (m.errorMessage ? m.errorMessage.slice(0, MESSAGE_CHARS) : <NotSet />),
    },
    { id: "retries", header: "Retries", align: "right", cell: (m) => fmtInt(m.retryCount) },
    {
      id: "failed",
      header: "Failed at",
      phone: "title",
      className: "whitespace-nowrap",
      cell: (m) =>
        m.failedAt ? (
          <time dateTime={isoTime(m.failedAt)} title={fmtTime(m.failedAt)}>
            {fmtRelative(m.failedAt)}
          </time>
        ) : (
          <NotSet />
        ),
    },
    {
      id: "payload",
      header: "Payload",
      phone: "full",
      className: "max-w-64 font-mono text-xs text-zinc-600 2xl:max-w-96 dark:text-zinc-400",
      // Truncated inside a block of its own: a phone clamps it to two lines instead.
      cell: (m) => (
        <div className="truncate max-sm:line-clamp-2 max-sm:whitespace-normal">
          {preview(m.raw, 120)}
          {!m.isJson && <span className="ml-1 font-sans">(not JSON)</span>}
        </div>
      ),
    },
  ];
}

/**
 * One page of the DLQ. Selecting, opening and requeueing a row are each one
 * tap away, on a phone too, where rows stack and show the error message whole.
 */
export function DlqTable(props: {
  messages: DlqMessage[];
  keys: string[];
  selected: ReadonlySet<string>;
  onToggle: (key: string, m: DlqMessage) => void;
  onToggleAll: (on: boolean) => void;
  onOpen: (m: DlqMessage) => void;
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  stale: boolean;
  empty: string;
}) {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const { busy, requeue, dialog } = useRowRequeue(props.total);
  const cols = useMemo(() => columns(fmtTime), [fmtTime]);
  const keyOf = useMemo(
    () => new Map(props.messages.map((m, i) => [m, props.keys[i]!])),
    [props.messages, props.keys],
  );
  const { onOpen } = props;
  const actions = useCallback(
    (m: DlqMessage) => (
      <>
        <Button
          tone="ghost"
          className="py-0.5"
          aria-label={`Details of message ${m.index}`}
          onClick={() => onOpen(m)}
        >
          Details
        </Button>
        {isAdmin && (
          <Button
            className="py-0.5"
            aria-label={`Requeue message ${m.index}`}
            disabled={busy}
            onClick={() => requeue(m)}
          >
            Requeue
          </Button>
        )}
      </>
    ),
    [onOpen, isAdmin, busy, requeue],
  );

  return (
    <>
      {dialog}
      <DataTable
        label={`Dead letters of ${queue}`}
        scrollLabel="Dead letters, scrollable"
        rows={props.messages}
        rowKey={(m) => keyOf.get(m) ?? m.identity}
        columns={cols}
        empty={props.empty}
        busy={props.stale}
        selection={
          isAdmin
            ? {
                selected: props.selected,
                onToggle: props.onToggle,
                onToggleAll: props.onToggleAll,
                label: (m) => `Select message ${m.index}`,
              }
            : undefined
        }
        onOpen={onOpen}
        actions={actions}
        stackOnPhone
        middle
      />
    </>
  );
}

/**
 * A row's Requeue: at once, or, from deep inside a long DLQ where it stalls
 * Redis, after a confirmation that says so.
 */
function useRowRequeue(total: number) {
  const { queue } = useQueue();
  const { busy, run } = useAction();
  const confirm = useMoveConfirm<DlqMessage>(total, oneIndex);
  const go = useCallback(
    async (m: DlqMessage) =>
      stayOpenOnFailure(
        await run(
          () => requeueOne(queue, m),
          () => `Message ${m.index} requeued to the work queue.`,
          GONE,
        ),
      ),
    [queue, run],
  );
  const { requeue: confirmed } = confirm;
  // Stable while the DLQ's length is: the rows' actions, and so the rows, are not redrawn by polls.
  const requeue = useCallback(
    (m: DlqMessage) => confirmed(m, (of) => void go(of)),
    [confirmed, go],
  );
  const dialog = (
    <MoveConfirm
      target={confirm.target}
      total={total}
      indices={oneIndex}
      what={oneName}
      titles={TITLES}
      onConfirm={(t) => go(t.of)}
      onClose={confirm.close}
    />
  );
  return { busy, requeue, dialog };
}

/** A row only requeues (deleting is the drawer's and the selection's). */
const TITLES = { delete: "Delete message", requeue: "Requeue message" };
