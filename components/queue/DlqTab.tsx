"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { ErrorNote } from "../ui";
import { BulkBar } from "./BulkBar";
import { ExportLink, exportPath } from "./Export";
import { useQueue } from "./context";
import { linkedMessage, useDlqPage } from "./data";
import { DlqActions } from "./DlqActions";
import { DlqTable } from "./DlqTable";
import { FilterBar, FilterSummary } from "./FilterBar";
import { MessageDrawer } from "./MessageDrawer";
import { Pager } from "./Pager";
import { TaskProgress } from "./TaskProgress";
import { useDlqSelection } from "./useDlqSelection";

const PAGE = 50;

/**
 * Which stretch of the DLQ is shown: a page by offset, or with a filter, the
 * bounded scans it has walked (so that "Back" returns from "Look further").
 * Any move clears the selection: checked rows must stay the ones on screen.
 */
function useDlqView(queue: string) {
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState("");
  const [trail, setTrail] = useState<number[]>([0]);
  const from = q ? trail[trail.length - 1]! : offset;
  const { data, error } = useDlqPage(queue, from, PAGE, q);
  const messages = data?.messages ?? NONE;
  const selection = useDlqSelection(messages);
  const { clear } = selection;
  return {
    q,
    data,
    error,
    messages,
    selection,
    canGoBack: trail.length > 1,
    // Previous data stays on screen while the next page loads (and while Redis is down).
    stale: !!data && (data.offset !== from || (data.filter?.q ?? "") !== q),
    goTo(next: number) {
      setOffset(next);
      clear();
    },
    applyFilter(next: string) {
      setQ(next);
      setTrail([0]);
      setOffset(0);
      clear();
    },
    back() {
      setTrail((t) => t.slice(0, -1));
      clear();
    },
    further(next: number) {
      setTrail((t) => [...t, next]);
      clear();
    },
  };
}

const NONE: DlqMessage[] = [];

/** `?message=<index>&identity=<id>` (a link from the Find page) opens that dead letter. */
function useLinkedMessage(queue: string, open: (m: DlqMessage) => void) {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const { notify } = useQueue();
  const index = params.get("message");
  const identity = params.get("identity");
  useEffect(() => {
    if (index === null || identity === null || !/^\d{1,9}$/.test(index)) return;
    let live = true;
    linkedMessage(queue, { index: Number(index), identity }).then(
      (m) => {
        if (!live) return;
        // Opened once: back on this tab later, the link is not followed again.
        router.replace(path, { scroll: false });
        if (m === "gone") notify("error", `Dead letter ${index} is no longer in the DLQ.`);
        else open(m);
      },
      (error: unknown) => live && notify("error", String(error)),
    );
    return () => {
      live = false;
    };
  }, [queue, index, identity, open, notify, router, path]);
}

/** The DLQ, newest first: paged, or filtered by a bounded substring scan. */
export function DlqTab() {
  const { queue, isAdmin } = useQueue();
  const view = useDlqView(queue);
  const { data, messages, selection, q } = view;
  const [open, setOpen] = useState<DlqMessage | null>(null);
  useLinkedMessage(queue, setOpen);

  return (
    <div className="space-y-4">
      <TaskProgress />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <FilterBar value={q} onApply={view.applyFilter} />
        <div className="flex flex-wrap gap-2">
          <ExportLink
            href={exportPath(queue, { q: q || undefined })}
            label={
              q ? `Export the messages of ${queue} that contain ${q}` : `Export the DLQ of ${queue}`
            }
          >
            {q ? "Export matches" : "Export"}
          </ExportLink>
          {isAdmin && <DlqActions total={data?.total ?? 0} />}
        </div>
      </div>
      {data?.filter && (
        <FilterSummary
          filter={data.filter}
          offset={data.offset}
          matches={messages.length}
          canGoBack={view.canGoBack}
          onBack={view.back}
          onFurther={view.further}
        />
      )}
      {view.error && !data && <ErrorNote error={view.error} />}
      {isAdmin && (
        <BulkBar
          selected={selection.chosen.map((m) => ({ identity: m.identity, index: m.index }))}
          total={data?.total ?? 0}
          onDone={selection.clear}
        />
      )}
      <DlqTable
        messages={messages}
        keys={selection.keys}
        selected={selection.selectedKeys}
        onToggle={selection.toggle}
        onToggleAll={selection.toggleAll}
        onOpen={setOpen}
        total={data?.total ?? 0}
        stale={view.stale}
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
          busy={view.stale}
          onChange={view.goTo}
        />
      )}
      <MessageDrawer message={open} total={data?.total ?? 0} onClose={() => setOpen(null)} />
    </div>
  );
}
