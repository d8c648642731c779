"use client";

import { useState } from "react";
import type { AuditEntry } from "@/lib/audit/audit";
import { ApiError } from "../api";
import { useDashboard } from "../DashboardProvider";
import { fmtInt } from "../format";
import { ErrorNote } from "../ui";
import { AuditFilter } from "./AuditFilter";
import { AuditPager } from "./AuditPager";
import { AuditTable } from "./AuditTable";
import { DeniedRequests } from "./DeniedRequests";
import { useAuditPages } from "./useAuditPages";

function matches(e: AuditEntry, q: string): boolean {
  return [e.user, e.action, e.queue ?? "", e.result].some((f) => f.toLowerCase().includes(q));
}

function pageSummary(page: number, shown: number, loaded: number, filtered: boolean): string {
  return filtered
    ? `${fmtInt(shown)} of ${fmtInt(loaded)} entries on page ${page} match.`
    : `Page ${page}: ${fmtInt(loaded)} ${loaded === 1 ? "entry" : "entries"}.`;
}

/** The audit log: every mutation, newest first, a page at a time. */
export function AuditView() {
  const { viewer } = useDashboard();
  const pages = useAuditPages();
  const [filter, setFilter] = useState("");
  const q = filter.trim().toLowerCase();
  const entries = pages.data?.entries ?? [];
  const shown = q ? entries.filter((e) => matches(e, q)) : entries;
  const shownError = pages.error instanceof ApiError && pages.error.isOutage ? null : pages.error;

  const empty = !pages.data
    ? pages.error
      ? "Waiting for the audit log."
      : "Loading…"
    : entries.length === 0
      ? "No audit entries yet. Every change made through the dashboard or the API is recorded here."
      : `No entry on this page matches “${filter.trim()}”.`;
  const status = pages.isLoading
    ? `Loading page ${pages.page}…`
    : pages.data && pageSummary(pages.page, shown.length, entries.length, q !== "");

  // One pager only: a second copy would give browser tests two "Older" buttons.
  const pager = (
    <AuditPager
      page={pages.page}
      canNewer={pages.canNewer}
      canOlder={pages.canOlder}
      onNewer={pages.newer}
      onOlder={pages.older}
      onNewest={pages.newest}
    />
  );

  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Every change made through the dashboard or the API, failed attempts included, newest
          first. Denied attempts: the first few of each user and action per minute here, all of them
          counted below.
        </p>
      </header>

      <ErrorNote error={shownError} />

      <div className="flex flex-wrap items-end justify-between gap-3">
        <AuditFilter value={filter} onChange={setFilter} />
        {pager}
      </div>

      <p role="status" aria-live="polite" className="text-xs text-zinc-600 dark:text-zinc-400">
        {status}
      </p>

      <AuditTable entries={shown} empty={empty} busy={pages.isLoading} />

      {/* Denied requests name no queue: they are for users of every queue. */}
      {viewer.everyQueue && <DeniedRequests />}
    </div>
  );
}
