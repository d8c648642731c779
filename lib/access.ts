import { globMatches } from "./queue-settings";

/** What a user may do: read (viewer) or also change (admin). */
export type Role = "admin" | "viewer";

/**
 * Roles per queue. A user holds one or more grants, each a role over every
 * queue or over the queues matching some globs (`tenant-a-*|billing`). The
 * role on a queue is the highest of the grants that cover it; a queue no grant
 * covers does not exist for that user (404, left out of every list). Pages
 * and routes that are not about queues (the cache, Redis, other users'
 * sessions, the Prometheus metrics) need a grant over every queue: the
 * admin of one team's queues must not clear the whole application's cache.
 *
 * Access is additive: more grants never see less. Password users have one
 * grant (`name:role:hash:globs`, see ./auth/users.ts); a single sign-on user
 * has one per way they are allowed in (./auth/oidc.ts).
 */
export interface QueueGrant {
  role: Role;
  /** Globs of queue names (`*` any run, `?` one character); null for every queue. */
  queues: readonly string[] | null;
}

/** A glob of queue names: the characters of a queue name, `*` and `?`. */
export const QUEUE_GLOB = /^[a-z0-9_*?-]{1,64}$/;

/** At most this many globs in one scope, so that a check stays a few hundred comparisons. */
export const GLOBS_MAX = 50;

/** `a|b-*` as globs, or an error message naming `source`. */
export function parseQueueScope(text: string, source: string): string[] | string {
  const globs = text
    .split("|")
    .map((g) => g.trim())
    .filter(Boolean);
  if (globs.length === 0) return `${source}: expected queue names or globs separated by |`;
  if (globs.length > GLOBS_MAX) return `${source}: at most ${GLOBS_MAX} globs`;
  const bad = globs.find((g) => !QUEUE_GLOB.test(g));
  if (bad !== undefined) {
    return `${source}: ${JSON.stringify(bad.slice(0, 70))} is not a queue name or a glob of a-z, 0-9, _, -, * and ?`;
  }
  return globs;
}

const RANK: Record<Role, number> = { viewer: 1, admin: 2 };

function higher(a: Role | null, b: Role): Role {
  return a !== null && RANK[a] >= RANK[b] ? a : b;
}

function covers(grant: QueueGrant, queue: string): boolean {
  return grant.queues === null || grant.queues.some((g) => globMatches(g, queue));
}

/** The user's role on `queue`, or null when no grant covers it. */
export function roleOn(grants: readonly QueueGrant[], queue: string): Role | null {
  let role: Role | null = null;
  for (const g of grants) if (covers(g, queue)) role = higher(role, g.role);
  return role;
}

/** The highest role among the grants (what the user is, at most, anywhere). */
export function highestRole(grants: readonly QueueGrant[]): Role {
  return grants.some((g) => g.role === "admin") ? "admin" : "viewer";
}

/** The user's role over every queue (and what is no queue's), or null when they have none. */
export function roleEverywhere(grants: readonly QueueGrant[]): Role | null {
  let role: Role | null = null;
  for (const g of grants) if (g.queues === null) role = higher(role, g.role);
  return role;
}

/** The configured queues the user may see, in configuration order. */
export function visibleQueues(queues: readonly string[], grants: readonly QueueGrant[]): string[] {
  if (roleEverywhere(grants) !== null) return [...queues];
  return queues.filter((q) => roleOn(grants, q) !== null);
}

/** The queues among `queues` on which the user is an admin. */
export function adminQueues(queues: readonly string[], grants: readonly QueueGrant[]): string[] {
  return queues.filter((q) => roleOn(grants, q) === "admin");
}

/**
 * The role a view of several queues is shown with: admin only when the user
 * is admin on all of them, so that masking (REDRIVE_REDACT) applied for a
 * viewer is never lifted for a queue the user only views.
 */
export function roleOverAll(queues: readonly string[], grants: readonly QueueGrant[]): Role {
  if (roleEverywhere(grants) === "admin") return "admin";
  return queues.length > 0 && queues.every((q) => roleOn(grants, q) === "admin")
    ? "admin"
    : "viewer";
}

/** The grants with every role lowered to viewer (a read-only display session). */
export function asViewer(grants: readonly QueueGrant[]): QueueGrant[] {
  return grants.map((g) => ({ ...g, role: "viewer" }));
}

/**
 * A text that is the same for users who see the same queues, for keys of
 * answers shared between sessions: "*" for every queue, else the sorted globs.
 */
export function scopeKey(grants: readonly QueueGrant[]): string {
  if (roleEverywhere(grants) !== null) return "*";
  return [...new Set(grants.flatMap((g) => g.queues ?? []))].sort().join("|");
}

/**
 * OIDC_QUEUE_GROUPS: `group:glob|glob,group:glob`, the queues each group's
 * grant covers (a group not listed covers every queue), or an error message.
 */
export function parseGroupScopes(text: string): Map<string, string[]> | string {
  const scopes = new Map<string, string[]>();
  for (const entry of text.split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const colon = entry.indexOf(":");
    const group = entry.slice(0, Math.max(colon, 0)).trim();
    if (!group) return "expected group:queue-glob|queue-glob entries separated by commas";
    const shown = JSON.stringify(group.slice(0, 64));
    const globs = parseQueueScope(entry.slice(colon + 1), `group ${shown}`);
    if (typeof globs === "string") return globs;
    if (scopes.has(group)) return `group ${shown} is listed twice`;
    scopes.set(group, globs);
  }
  return scopes;
}

/**
 * Whether a user may export DLQ entries (whole payloads leave the dashboard):
 * named in REDRIVE_EXPORTERS (lowercased there), by the name they log in with
 * in any case (`token:<name>` for an API token); a read-only display session never. A grant on the queue
 * is needed besides, as for any read of it.
 */
export function mayExport(
  exporters: readonly string[],
  user: { name: string; display?: boolean },
): boolean {
  return user.display !== true && exporters.includes(user.name.toLowerCase());
}
