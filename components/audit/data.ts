/** The audit page's side of the admin API: its views hold no URL and no response shape. */
"use client";

import useSWR from "swr";
import { AUDIT_PAGE_SIZE, type AuditPage, type DeniedSummary } from "@/lib/http/types";
import { apiPath } from "../api";

export { DENIED_MINUTES_MAX } from "@/lib/http/types";

/** One page of the log: the newest, or the entries older than the entry id `before`. */
export function auditPagePath(before?: string): string {
  return apiPath("/api/admin/audit", { limit: AUDIT_PAGE_SIZE, before });
}

export function deniedPath(minutes: number): string {
  return apiPath("/api/admin/audit/denied", { minutes });
}

export function useAuditPage(before: string | undefined) {
  // Older pages do not change; only the newest is worth polling.
  return useSWR<AuditPage>(auditPagePath(before), before ? { refreshInterval: 0 } : undefined);
}

/** Denied changes of the last `minutes`, counted per minute, user and action. */
export function useDeniedRequests(minutes: number) {
  return useSWR<DeniedSummary>(deniedPath(minutes));
}
