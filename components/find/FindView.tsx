"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { fmtInt } from "../format";
import { ErrorNote } from "../ui";
import { type FindQuery, type FindState, useFind } from "./data";
import { FindForm } from "./FindForm";
import { FoundTable } from "./FoundTable";

const PLACE_NAME = { work: "work queue", processing: "processing", retry: "retry set", dlq: "DLQ" };

/**
 * "Where is job X?": one search over every place of every queue the user
 * sees, run step by step with its progress, reachable by URL
 * (`/find?job_id=…`) from a log line or a ticket.
 */
export function FindView(props: { initial: FindQuery | null }) {
  const { state, start, stop } = useFind();
  const router = useRouter();
  // The URL is the search: a link, or the form (which puts its search in the URL), starts it.
  const key = props.initial ? urlOf(props.initial) : null;
  useEffect(() => {
    if (props.initial) void start(props.initial);
    return stop;
    // The search is named by its URL: a new object for the same search is the same search.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, start, stop]);

  const find = (q: FindQuery) => {
    // The same search again: the URL does not change, so it is started here.
    if (urlOf(q) === key) void start(q);
    else router.replace(urlOf(q), { scroll: false });
  };

  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-lg font-semibold">Find a message</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Looks for the messages whose field holds a value in every queue&apos;s work queue,
          processing list, retry set and DLQ, and says where each is now. A message that succeeded
          leaves nothing in Redis to find.
        </p>
      </header>
      <FindForm initial={props.initial} running={state.running} onFind={find} onStop={stop} />
      <Progress state={state} />
      <ErrorNote error={state.error} />
      {state.query && (
        <FoundTable
          found={state.found}
          empty={
            state.running
              ? "Looking…"
              : `No message has ${state.query.field} = ${state.query.value} where the scan looked.`
          }
        />
      )}
    </div>
  );
}

/** `/find?job_id=…` for the default field; `?field=…&value=…` for another. */
function urlOf(q: FindQuery): string {
  const params = new URLSearchParams(
    q.field === "job_id" ? { job_id: q.value } : { field: q.field, value: q.value },
  );
  if (q.queue) params.set("queue", q.queue);
  return `/find?${params.toString()}`;
}

/** How far the scan got: entries looked at, the place it is in, and whether it reached the end. */
function Progress({ state }: { state: FindState }) {
  if (!state.query) return null;
  const at = state.at;
  const queueNo = at ? state.queues.indexOf(at.queue) + 1 : state.queues.length;
  const share = at && at.length > 0 ? Math.min(1, at.offset / at.length) : 1;
  return (
    <div className="space-y-1 text-sm" role="status" aria-live="polite">
      <p>
        {fmtInt(state.scanned)} entries looked at
        {state.running && at && (
          <>
            {" "}
            · now in {at.queue}&apos;s {PLACE_NAME[at.place]} ({fmtInt(at.offset)} of{" "}
            {fmtInt(at.length)}), queue {queueNo} of {state.queues.length}
          </>
        )}
        {state.complete && <> · every place of {plural(state.queues.length)} searched</>}
        {!state.running && !state.complete && !state.error && <> · stopped before the end</>}
        {` · ${fmtInt(state.found.length)} found`}
      </p>
      {state.running && (
        <progress
          className="h-1.5 w-full"
          max={1}
          value={share}
          aria-label="This place's share scanned"
        />
      )}
      {state.masked && (
        <p className="text-amber-800 dark:text-amber-300">
          {state.query.field} is masked for you (REDRIVE_REDACT): nothing can be found by its value.
        </p>
      )}
    </div>
  );
}

const plural = (n: number) => (n === 1 ? "1 queue" : `${n} queues`);
