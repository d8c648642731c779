"use client";

import { useState } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { ErrorNote } from "../ui";
import { BulkBar } from "./BulkBar";
import { useQueue } from "./context";
import { useDlqPage } from "./data";
import { DlqActions } from "./DlqActions";
import { DlqTable, pageKeys } from "./DlqTable";
import { FilterBar, FilterSummary } from "./FilterBar";
import { MessageDrawer } from "./MessageDrawer";
import { Pager } from "./Pager";
import { TaskProgress } from "./TaskProgress";

const PAGE = 50;

/** The DLQ, newest first: paged, or filtered by a bounded substring scan. */
export function DlqTab() {
  const { queue, isAdmin } = useQueue();
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState("");
  // Where each filtered view started, so that "Back" returns from "Look further".
  const [trail, setTrail] = useState<number[]>([0]);
  const [selected, setSelected] = useState<ReadonlyMap<string, DlqMessage>>(new Map());
  const [open, setOpen] = useState<DlqMessage | null>(null);

  const from = q ? trail[trail.length - 1]! : offset;
  const { data, error } = useDlqPage(queue, from, PAGE, q);

  const messages = data?.messages ?? [];
  // Previous data stays on screen while the next page loads (and while Redis is down).
  const stale = !!data && (data.offset !== from || (data.filter?.q ?? "") !== q);
  // Only what is on screen counts as selected, at its current index (a hint for the API).
  const keys = pageKeys(messages);
  const chosen = messages.filter((_, i) => selected.has(keys[i]!));

  const clearSelection = () => setSelected(new Map());
  const goTo = (next: number) => {
    setOffset(next);
    clearSelection();
  };
  const applyFilter = (next: string) => {
    setQ(next);
    setTrail([0]);
    setOffset(0);
    clearSelection();
  };
  const toggle = (key: string, m: DlqMessage) =>
    setSelected((s) => {
      const next = new Map(s);
      if (next.has(key)) next.delete(key);
      else next.set(key, m);
      return next;
    });
  const toggleAll = (on: boolean) =>
    setSelected(on ? new Map(messages.map((m, i) => [keys[i]!, m])) : new Map());

  return (
    <div className="space-y-4">
      <TaskProgress />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <FilterBar value={q} onApply={applyFilter} />
        {isAdmin && <DlqActions total={data?.total ?? 0} />}
      </div>
      {data?.filter && (
        <FilterSummary
          filter={data.filter}
          offset={data.offset}
          matches={messages.length}
          canGoBack={trail.length > 1}
          onBack={() => {
            setTrail((t) => t.slice(0, -1));
            clearSelection();
          }}
          onFurther={(next) => {
            setTrail((t) => [...t, next]);
            clearSelection();
          }}
        />
      )}
      {error && !data && <ErrorNote error={error} />}
      {isAdmin && (
        <BulkBar
          selected={chosen.map((m) => ({ identity: m.identity, index: m.index }))}
          onDone={clearSelection}
        />
      )}
      <DlqTable
        messages={messages}
        keys={keys}
        selected={new Set(selected.keys())}
        onToggle={toggle}
        onToggleAll={toggleAll}
        onOpen={setOpen}
        stale={stale}
        empty={
          !data
            ? "Loading…"
            : q
              ? "No message on this stretch matches the filter."
              : "The DLQ is empty."
        }
      />
      {data && !data.filter && (
        <Pager
          offset={data.offset}
          count={messages.length}
          total={data.total}
          pageSize={PAGE}
          noun="dead letters"
          busy={stale}
          onChange={goTo}
        />
      )}
      <MessageDrawer message={open} onClose={() => setOpen(null)} />
    </div>
  );
}
