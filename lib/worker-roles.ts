/**
 * What one retry worker service instance does (REDRIVE_WORKER_ROLES). A team
 * whose Python backend runs its own retry worker (get_ready_retries, then a
 * push to the work list) lets exactly one side own promotion: two promoters
 * would each push the same due retry, and the message would run twice.
 *
 * The value is `all` (the default) or a comma-separated list of roles, each
 * for every queue or, with `:queue`, for one queue:
 *
 *   promote   move due retries to the work list
 *   recover   return messages abandoned in a processing list past their lease
 *   purge     drop DLQ entries older than DLQ_RETENTION_DAYS
 *   sample    record the metrics history the charts show
 *   tasks     run requeue-all and delete-all tasks started from the dashboard
 *   alerts    post alert changes and the daily digest to REDRIVE_ALERT_WEBHOOK_URL
 *
 * e.g. `recover,purge,sample,tasks` leaves promotion to the backend, and
 * `promote:video,recover,purge,sample,tasks` takes it over for one queue.
 */

export const QUEUE_ROLES = ["promote", "recover", "purge"] as const;
export const GLOBAL_ROLES = ["sample", "tasks", "alerts"] as const;
export type QueueRole = (typeof QUEUE_ROLES)[number];
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

export interface WorkerRoles {
  /** Queues each per-queue role runs for. */
  queues: Record<QueueRole, string[]>;
  sample: boolean;
  tasks: boolean;
  alerts: boolean;
}

export function allRoles(queues: string[]): WorkerRoles {
  return {
    queues: { promote: [...queues], recover: [...queues], purge: [...queues] },
    sample: true,
    tasks: true,
    alerts: true,
  };
}

function isQueueRole(role: string): role is QueueRole {
  return (QUEUE_ROLES as readonly string[]).includes(role);
}

function isGlobalRole(role: string): role is GlobalRole {
  return (GLOBAL_ROLES as readonly string[]).includes(role);
}

/** One `role` or `role:queue` item into `roles`; a problem string when it is not one. */
function addItem(item: string, queues: string[], roles: WorkerRoles): string | null {
  const [role = "", queue, extra] = item.split(":");
  if (extra !== undefined) return `${JSON.stringify(item)}: expected role or role:queue`;
  if (isGlobalRole(role)) {
    if (queue !== undefined) return `${JSON.stringify(item)}: ${role} is not per queue`;
    roles[role] = true;
    return null;
  }
  if (!isQueueRole(role)) {
    return `${JSON.stringify(role)} is not a role (expected ${[...QUEUE_ROLES, ...GLOBAL_ROLES].join(", ")} or all)`;
  }
  if (queue !== undefined && !queues.includes(queue)) {
    return `${JSON.stringify(queue)} is not a configured queue (QUEUES: ${queues.join(", ")})`;
  }
  const list = roles.queues[role];
  for (const q of queue === undefined ? queues : [queue]) if (!list.includes(q)) list.push(q);
  return null;
}

/** Parses REDRIVE_WORKER_ROLES; the problems name each bad item. */
export function parseWorkerRoles(
  value: string | undefined,
  queues: string[],
): { roles: WorkerRoles; problems: string[] } {
  const items = (value ?? "all")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.length === 0 || (items.length === 1 && items[0] === "all")) {
    return { roles: allRoles(queues), problems: [] };
  }
  const roles: WorkerRoles = {
    queues: { promote: [], recover: [], purge: [] },
    sample: false,
    tasks: false,
    alerts: false,
  };
  const problems = items
    .map((item) => addItem(item, queues, roles))
    .filter((p): p is string => p !== null)
    .map((p) => `REDRIVE_WORKER_ROLES: ${p}`);
  return { roles, problems };
}

/** The roles as the heartbeat and the log show them, e.g. "promote:video recover purge sample". */
export function describeRoles(roles: WorkerRoles, queues: string[]): string {
  const parts: string[] = [];
  for (const role of QUEUE_ROLES) {
    const list = roles.queues[role];
    if (list.length === queues.length) parts.push(role);
    else parts.push(...list.map((q) => `${role}:${q}`));
  }
  for (const role of GLOBAL_ROLES) if (roles[role]) parts.push(role);
  return parts.join(" ") || "none";
}
