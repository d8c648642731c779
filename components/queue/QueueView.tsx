"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { useDashboard } from "../DashboardProvider";
import { QueueContext, type Status } from "./context";
import { DlqTab } from "./DlqTab";
import { ErrorGroupsTab } from "./ErrorGroupsTab";
import { QueueHeader } from "./QueueHeader";
import { RetriesTab } from "./RetriesTab";
import { Tabs } from "./Tabs";

const TABS = [
  { id: "dlq", label: "Dead letters" },
  { id: "errors", label: "Error groups" },
  { id: "retries", label: "Retries" },
] as const;

type TabId = (typeof TABS)[number]["id"];

/** The page of one queue: its counts, and its dead letters, error groups and retries. */
export function QueueView(props: { queue: string }) {
  const isAdmin = useDashboard().isAdminOf(props.queue);
  // `?tab=retries` (a link from the Find page) opens that tab.
  const linked = useSearchParams().get("tab");
  const [tab, setTab] = useState<TabId>(TABS.find((t) => t.id === linked)?.id ?? "dlq");
  const [status, setStatus] = useState<Status | null>(null);
  const notify = useCallback(
    (tone: Status["tone"], text: string) =>
      setStatus((s) => ({ tone, text, seq: (s?.seq ?? 0) + 1 })),
    [],
  );
  const ctx = useMemo(
    () => ({ queue: props.queue, isAdmin, notify }),
    [props.queue, isAdmin, notify],
  );

  return (
    <QueueContext.Provider value={ctx}>
      <QueueHeader />
      <StatusLine status={status} onDismiss={() => setStatus(null)} />
      <Tabs label={`${props.queue} views`} tabs={TABS} value={tab} onChange={setTab}>
        {tab === "dlq" && <DlqTab />}
        {tab === "errors" && <ErrorGroupsTab />}
        {tab === "retries" && <RetriesTab />}
      </Tabs>
    </QueueContext.Provider>
  );
}

/**
 * The outcome of the last action. The live region is always in the tree (never display:none),
 * or screen readers would miss the first message; the dismiss button stays outside it.
 */
function StatusLine(props: { status: Status | null; onDismiss: () => void }) {
  const s = props.status;
  const tone =
    s?.tone === "error"
      ? "mb-4 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100"
      : "mb-4 bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100";
  return (
    <div className={`flex items-start gap-3 rounded-md text-sm ${s ? `${tone} px-3 py-2` : ""}`}>
      <div role="status" aria-live="polite" className="min-w-0 flex-1 break-words">
        {s && <span key={s.seq}>{s.text}</span>}
      </div>
      {s && (
        <button
          type="button"
          onClick={props.onDismiss}
          aria-label="Dismiss message"
          className="shrink-0 rounded px-1 focus-visible:outline-2 focus-visible:outline-blue-600"
        >
          ✕
        </button>
      )}
    </div>
  );
}
