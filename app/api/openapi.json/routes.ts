import type { RouteEntry } from "@/lib/http/openapi";
import * as r0 from "@/app/api/admin/audit/denied/route";
import * as r1 from "@/app/api/admin/audit/route";
import * as r2 from "@/app/api/admin/cache/clear/route";
import * as r3 from "@/app/api/admin/cache/stats/route";
import * as r4 from "@/app/api/admin/dlq/[queue]/[mode]/[index]/route";
import * as r5 from "@/app/api/admin/dlq/[queue]/[mode]/route";
import * as r6 from "@/app/api/admin/dlq/[queue]/message/[index]/route";
import * as r7 from "@/app/api/admin/dlq/[queue]/purge/route";
import * as r8 from "@/app/api/admin/dlq/[queue]/route";
import * as r9 from "@/app/api/admin/dlq/[queue]/tasks/cancel/route";
import * as r10 from "@/app/api/admin/dlq/[queue]/tasks/route";
import * as r11 from "@/app/api/admin/dlq/stats/route";
import * as r12 from "@/app/api/admin/errors/[queue]/[mode]/route";
import * as r13 from "@/app/api/admin/errors/[queue]/route";
import * as r14 from "@/app/api/admin/insights/route";
import * as r15 from "@/app/api/admin/metrics/route";
import * as r16 from "@/app/api/admin/overview/route";
import * as r17 from "@/app/api/admin/redis/route";
import * as r18 from "@/app/api/admin/retry/[queue]/now/route";
import * as r19 from "@/app/api/admin/retry/[queue]/route";
import * as r20 from "@/app/api/admin/review/[queue]/route";
import * as r21 from "@/app/api/admin/sessions/end/route";
import * as r22 from "@/app/api/admin/tokens/[id]/revoke/route";
import * as r23 from "@/app/api/admin/tokens/route";
import * as r24 from "@/app/api/health/live/route";
import * as r25 from "@/app/api/health/route";
import * as r26 from "@/app/api/metrics/route";
import * as r27 from "@/app/api/session/activity/route";
import * as r28 from "@/app/api/session/end-all/route";
import * as r29 from "@/app/api/admin/find/route";
import * as r30 from "@/app/api/admin/dlq/[queue]/edit-preview/route";
import * as r31 from "@/app/api/admin/dlq/[queue]/export/route";
import * as r32 from "@/app/api/admin/errors/[queue]/notes/route";

/**
 * Every API route file, by its path (a unit test checks this list against the
 * files under app/api, so a new route cannot be left out of the description).
 */
export const ROUTES: RouteEntry[] = [
  { path: "/api/admin/audit/denied", module: r0 },
  { path: "/api/admin/audit", module: r1 },
  { path: "/api/admin/cache/clear", module: r2 },
  { path: "/api/admin/cache/stats", module: r3 },
  { path: "/api/admin/dlq/{queue}/{mode}/{index}", module: r4 },
  { path: "/api/admin/dlq/{queue}/{mode}", module: r5 },
  { path: "/api/admin/dlq/{queue}/edit-preview", module: r30 },
  { path: "/api/admin/dlq/{queue}/export", module: r31 },
  { path: "/api/admin/dlq/{queue}/message/{index}", module: r6 },
  { path: "/api/admin/dlq/{queue}/purge", module: r7 },
  { path: "/api/admin/dlq/{queue}", module: r8 },
  { path: "/api/admin/dlq/{queue}/tasks/cancel", module: r9 },
  { path: "/api/admin/dlq/{queue}/tasks", module: r10 },
  { path: "/api/admin/dlq/stats", module: r11 },
  { path: "/api/admin/errors/{queue}/{mode}", module: r12 },
  { path: "/api/admin/errors/{queue}", module: r13 },
  { path: "/api/admin/errors/{queue}/notes", module: r32 },
  { path: "/api/admin/find", module: r29 },
  { path: "/api/admin/insights", module: r14 },
  { path: "/api/admin/metrics", module: r15 },
  { path: "/api/admin/overview", module: r16 },
  { path: "/api/admin/redis", module: r17 },
  { path: "/api/admin/retry/{queue}/now", module: r18 },
  { path: "/api/admin/retry/{queue}", module: r19 },
  { path: "/api/admin/review/{queue}", module: r20 },
  { path: "/api/admin/sessions/end", module: r21 },
  { path: "/api/admin/tokens/{id}/revoke", module: r22 },
  { path: "/api/admin/tokens", module: r23 },
  { path: "/api/health/live", module: r24 },
  { path: "/api/health", module: r25 },
  { path: "/api/metrics", module: r26 },
  { path: "/api/session/activity", module: r27 },
  { path: "/api/session/end-all", module: r28 },
];
