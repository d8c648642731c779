/** The Find page's side of the admin API: one step of the scan, and the scan run to its end. */
"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { FindResponse, Found, Place } from "@/lib/http/types";
import { apiPath, getJson } from "../api";

export interface FindQuery {
  field: string;
  value: string;
  /** One queue, or every queue the user sees. */
  queue?: string;
}

export interface FindState {
  query: FindQuery | null;
  running: boolean;
  found: Found[];
  scanned: number;
  /** Each place scanned to its end, in the order the scan took them. */
  finished: FindResponse["finished"];
  /** Where the scan is now (or stopped), with that place's length. */
  at: FindResponse["at"];
  queues: string[];
  masked: boolean;
  /** The scan reached the end of every place. */
  complete: boolean;
  error: unknown;
}

const IDLE: FindState = {
  query: null,
  running: false,
  found: [],
  scanned: 0,
  finished: [],
  at: null,
  queues: [],
  masked: false,
  complete: false,
  error: null,
};

export const PLACE_LABEL: Record<Place, string> = {
  work: "waiting in the work queue",
  processing: "taken by a consumer (processing)",
  retry: "scheduled to retry",
  dlq: "dead-lettered",
};

function stepPath(q: FindQuery, cursor?: string): string {
  return apiPath("/api/admin/find", { field: q.field, value: q.value, queue: q.queue, cursor });
}

/**
 * Runs a search step after step until the server says it reached the end,
 * showing each step's matches and progress as they come. A new search, Stop
 * or leaving the page ends the old one.
 */
export function useFind() {
  const [state, setState] = useState<FindState>(IDLE);
  const run = useRef(0);

  const start = useCallback(async (query: FindQuery) => {
    const id = ++run.current;
    setState({ ...IDLE, query, running: true });
    let cursor: string | undefined;
    try {
      do {
        const step = await getJson<FindResponse>(stepPath(query, cursor));
        if (id !== run.current) return;
        cursor = step.next ?? undefined;
        setState((s) => merge(s, step));
      } while (cursor);
    } catch (error) {
      if (id === run.current) setState((s) => ({ ...s, running: false, error }));
    }
  }, []);

  const stop = useCallback(() => {
    run.current += 1;
    setState((s) => ({ ...s, running: false }));
  }, []);

  useEffect(() => () => void (run.current += 1), []);
  return { state, start, stop };
}

/** A match's row: the same entry found again by a later step (its list shifted) is one row. */
export const rowKey = (f: Found) =>
  `${f.queue}:${f.place}:${f.index}:${(f.dlq ?? f.entry)?.identity}`;

function merge(s: FindState, step: FindResponse): FindState {
  const known = new Set(s.found.map(rowKey));
  return {
    ...s,
    found: [...s.found, ...step.found.filter((f) => !known.has(rowKey(f)))],
    scanned: s.scanned + step.scanned,
    finished: [...s.finished, ...step.finished],
    at: step.at,
    queues: step.queues,
    masked: step.masked,
    complete: step.next === null,
    running: step.next !== null,
  };
}
