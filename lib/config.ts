import { z } from "zod";
import { parseTrustPolicy, TrustPolicyError } from "./client-address.mjs";
import { bool, int, num } from "./env-schemas";
import { parseGroupScopes } from "./access";
import { redisSettingsProblems, redisSettingsShape } from "./redis-settings";
import { alertSettingsProblems, alertSettingsShape } from "./alert-settings";
import { parseWorkerRoles, type WorkerRoles } from "./worker-roles";
import {
  readQueueRules,
  resolveAlerts,
  resolveQueueKeys,
  unknownQueueProblems,
  type AlertThresholds,
  type QueueKeyNames,
} from "./queue-settings";

export type { AlertThresholds, QueueKeyNames } from "./queue-settings";

/**
 * The one place that reads the environment. Names and defaults are the Python
 * backend's (its `config.py` and `.env`, docs/python-backend.md); everything
 * Redrive adds is prefixed or documented in the README's configuration table.
 */

const QUEUE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * At most this many queues. What bounds it is the work per queue: every
 * overview poll reads each queue's lengths, the worker service promotes,
 * recovers, purges and samples each one every cycle, and a DLQ page's
 * insights read up to 1 000 entries of each (README, "Many queues").
 */
export const QUEUES_MAX = 500;

const queueList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((q) => q.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.string().regex(QUEUE_NAME, {
          error: "expected queue names of lowercase letters, digits, _ or - (at most 32)",
        }),
      )
      .min(1, { error: "expected at least one queue name" })
      .max(QUEUES_MAX, { error: `expected at most ${QUEUES_MAX} queues` })
      .refine((qs) => new Set(qs).size === qs.length, { error: "expected no duplicate names" })
      // GET /api/admin/dlq/stats is every queue's lengths: a queue of that name had no DLQ page.
      .refine((qs) => !qs.includes("stats"), { error: 'expected no queue named "stats"' }),
  );

/** Comma-separated names, trimmed; empty entries dropped. */
const nameList = z.string().transform((s) =>
  s
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean),
);

const lowercaseList = nameList.transform((names) => names.map((n) => n.toLowerCase()));

/** One segment of a REDRIVE_REDACT path: a key of these characters, or `*`. */
const REDACT_SEGMENT = /^(\*|[A-Za-z0-9_$@-]{1,128})$/;
const REDACT_DEPTH_MAX = 16;

/**
 * REDRIVE_REDACT: comma-separated field paths, each dot-separated keys from
 * the top level of an entry; a digit segment also names an array index and
 * `*` any key or index (`customer.*.phone`). Parsed to their segments.
 */
const redactPaths = nameList.transform((paths, ctx) => {
  const out: string[][] = [];
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > REDACT_DEPTH_MAX || !segments.every((s) => REDACT_SEGMENT.test(s))) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(path.slice(0, 100))} is not a field path (dot-separated keys of letters, digits, _ $ @ -, or *; at most ${REDACT_DEPTH_MAX} deep)`,
      });
      return z.NEVER;
    }
    out.push(segments);
  }
  return out;
});

const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ...redisSettingsShape,
  ...alertSettingsShape,
  REDIS_SERVER_BIN: z.string().min(1).default("redis-server"),
  QUEUES: queueList.default(["document", "audio", "video", "graph"]),

  MAX_RETRY_ATTEMPTS: int(0, 100).default(3),
  RETRY_BACKOFF_BASE_SECONDS: num(0, 86_400).default(60),
  RETRY_BACKOFF_MAX_SECONDS: num(0, 30 * 86_400).default(86_400),
  RETRY_JITTER_RATIO: num(0, 1).default(0.1),
  DLQ_RETENTION_DAYS: num(0, 3650).default(7),

  RETRY_WORKER_INTERVAL_SECONDS: num(0.05, 3600).default(10),
  PROCESSING_LEASE_SECONDS: num(1, 86_400).default(60),
  // What this worker instance does (lib/worker-roles.ts): all, or e.g. recover,purge,sample,tasks.
  REDRIVE_WORKER_ROLES: z.string().optional(),
  // A file the worker rewrites while its event loop runs, for a container's liveness probe.
  REDRIVE_WORKER_ALIVE_FILE: z.string().min(1).optional(),

  CACHE_ENABLED: bool.default(true),
  CACHE_DEFAULT_TTL: int(1, 31_536_000).default(300),
  CACHE_USER_TTL: int(1, 31_536_000).default(900),
  CACHE_JOB_STATUS_TTL: int(1, 31_536_000).default(5),
  CACHE_DOCUMENT_TTL: int(1, 31_536_000).default(3600),
  CACHE_VECTOR_SEARCH_TTL: int(1, 31_536_000).default(1800),
  CACHE_GRAPH_TTL: int(1, 31_536_000).default(600),
  CACHE_USER_LIST_TTL: int(1, 31_536_000).default(300),
  CACHE_TIMEOUT_MS: int(1, 60_000).default(100),

  REDRIVE_USERS: z.string().optional(),
  REDRIVE_USERS_FILE: z.string().min(1).optional(),
  NEXTAUTH_SECRET: z.string().min(16, { error: "expected at least 16 characters" }).optional(),
  /** Bearer token that lets a Prometheus server read GET /api/metrics; unset, only an admin session may. */
  REDRIVE_METRICS_TOKEN: z
    .string()
    .min(16, { error: "expected at least 16 characters" })
    .optional(),
  NEXTAUTH_URL: z.url({ error: "expected the dashboard's public URL" }).optional(),
  OIDC_ISSUER: z.url({ error: "expected the OIDC issuer URL" }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ADMIN_EMAILS: lowercaseList.default([]),
  OIDC_ALLOWED_DOMAINS: lowercaseList
    .pipe(
      z.array(
        z.string().refine((d) => !d.includes("@"), {
          error: "expected e-mail domains such as example.com, without @",
        }),
      ),
    )
    .default([]),
  OIDC_ALLOWED_GROUPS: nameList.default([]),
  OIDC_ADMIN_GROUPS: nameList.default([]),
  OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  // The queues each allowed or admin group's grant covers (lib/access.ts).
  OIDC_QUEUE_GROUPS: z
    .string()
    .transform((text, ctx) => {
      const scopes = parseGroupScopes(text);
      if (typeof scopes === "string") ctx.addIssue({ code: "custom", message: scopes });
      return typeof scopes === "string" ? new Map<string, string[]>() : scopes;
    })
    .default(new Map<string, string[]>()),
  // Failed logins: per client address and user name, per client address, per user name from
  // clients without a device cookie (more tries, shorter lock), per device cookie.
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_WINDOW_SECONDS: int(1, 86_400).default(900),
  LOGIN_MAX_FAILURES_PER_CLIENT: int(1, 100_000).default(20),
  LOGIN_MAX_FAILURES_PER_USER: int(1, 100_000).default(50),
  LOGIN_USER_WINDOW_SECONDS: int(1, 86_400).default(300),
  LOGIN_MAX_CONCURRENT_HASHES: int(1, 64).default(2),
  REDRIVE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseTrustPolicy(v);
      } catch (error) {
        if (!(error instanceof TrustPolicyError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    }),
  SESSION_MAX_AGE_HOURS: num(0.0001, 24 * 30).default(8),
  SESSION_IDLE_MINUTES: num(0, 24 * 60).default(30),
  SESSION_DISPLAY_MAX_AGE_HOURS: num(0.0001, 24 * 90).default(24 * 7),
  SESSION_RECHECK_SECONDS: num(0.1, 60).default(30),
  // The audit stream of admin actions: a bound on its size and an age after which entries go.
  AUDIT_MAX_ENTRIES: int(100, 100_000_000).default(100_000),
  AUDIT_RETENTION_DAYS: int(1, 36_500).default(90),
  // Per-minute counts (and the first few in full) of denied mutations.
  AUDIT_DENIED_RETENTION_DAYS: int(1, 3650).default(7),
  // An edit's changes (fix, then requeue) are payload: kept apart, for less time.
  AUDIT_DIFF_RETENTION_DAYS: int(1, 3650).default(7),
  // Who may export DLQ entries (whole payloads leave the dashboard): user names as they log in,
  // `token:<name>` for an API token; each still needs a grant on the queue. Nobody by default.
  // Compared without case: single sign-on names are e-mail addresses.
  REDRIVE_EXPORTERS: lowercaseList.default([]),
  // Payload fields masked for viewers (see lib/queues/redact.ts).
  REDRIVE_REDACT: redactPaths.default([]),
  // Every 2xx API body parsed against its route's schema before it is sent (the tests turn it
  // on): a mismatch answers 500 RESPONSE_SHAPE instead of a body the declared types do not describe.
  REDRIVE_CHECK_RESPONSES: bool.default(false),
  CACHE_COMPRESS_THRESHOLD_BYTES: int(0, 1_073_741_824).default(1024),
  CACHE_STATS_FLUSH_MS: int(10, 3_600_000).default(1000),

  METRICS_SAMPLE_SECONDS: int(1, 3600).default(10),
  // Alert thresholds for every queue (0 turns one off); ALERT_DLQ_SIZE_<Q> and so on override per queue.
  ALERT_DLQ_SIZE: int(0, 1_000_000_000).default(1000),
  ALERT_DLQ_GROWTH_PER_HOUR: int(0, 1_000_000_000).default(100),
  ALERT_DLQ_AGE_HOURS: num(0, 87_600).default(24),
  // A JSON file of per-queue rules by name or glob (lib/queue-settings.ts), for many queues.
  REDRIVE_QUEUE_CONFIG: z.string().optional(),
});

export type Config = Omit<z.infer<typeof baseSchema>, "QUEUES"> & {
  QUEUES: string[];
  /** Key names per queue after the Python backend's REDIS_DLQ_<Q> / REDIS_RETRY_<Q> overrides. */
  queueKeys: Record<string, QueueKeyNames>;
  /** Alert thresholds per queue after the ALERT_*_<Q> overrides. */
  alerts: Record<string, AlertThresholds>;
  /** REDRIVE_WORKER_ROLES, parsed against QUEUES. */
  workerRoles: WorkerRoles;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function issuesToProblems(error: z.ZodError, env: Env, fallbackName = "environment"): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? fallbackName);
    return `${name}: ${issue.message}${shownValue(name, env[name])}`;
  });
}

/** Names whose values are never printed, whatever is wrong with them. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|USERS$|WEBHOOK_URL/;

/**
 * The value of a bad variable as an error may show it: never for a secret by
 * its name, never with the credentials of a URL (redis://user:pass@host).
 */
export function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (SECRET_NAME.test(name.toUpperCase())) return " (value not shown)";
  const text = value.slice(0, 60);
  const at = value.lastIndexOf("@");
  if (value.includes("://") && at >= 0) return " (a URL with credentials; value not shown)";
  if (at >= 0 && at < 60) return " (value not shown)";
  return ` (got ${JSON.stringify(text)})`;
}

/** Parses and validates an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings mean "unset" so that `FOO=` in an .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = baseSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(issuesToProblems(parsed.error, env));
  const problems = [...redisSettingsProblems(parsed.data), ...alertSettingsProblems(parsed.data)];
  const rules = readQueueRules(parsed.data.REDRIVE_QUEUE_CONFIG, problems);
  problems.push(...unknownQueueProblems(rules, parsed.data.QUEUES));
  const input = { env, rules, show: shownValue };
  const queueKeys = resolveQueueKeys(
    parsed.data.QUEUES,
    parsed.data.REDIS_KEY_STYLE,
    input,
    problems,
  );
  const alerts = resolveAlerts(
    parsed.data.QUEUES,
    {
      dlqSize: parsed.data.ALERT_DLQ_SIZE,
      growthPerHour: parsed.data.ALERT_DLQ_GROWTH_PER_HOUR,
      oldestAgeHours: parsed.data.ALERT_DLQ_AGE_HOURS,
    },
    input,
    problems,
  );
  problems.push(...groupScopeProblems(parsed.data));
  const roles = parseWorkerRoles(parsed.data.REDRIVE_WORKER_ROLES, parsed.data.QUEUES);
  problems.push(...roles.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...parsed.data, queueKeys, alerts, workerRoles: roles.roles };
}

/** A group given queues must be one that lets its members in, else it grants nothing. */
function groupScopeProblems(c: z.infer<typeof baseSchema>): string[] {
  const known = new Set([...c.OIDC_ALLOWED_GROUPS, ...c.OIDC_ADMIN_GROUPS]);
  return [...c.OIDC_QUEUE_GROUPS.keys()]
    .filter((g) => !known.has(g))
    .map(
      (g) =>
        `OIDC_QUEUE_GROUPS: group ${JSON.stringify(g.slice(0, 64))} is in neither OIDC_ALLOWED_GROUPS nor OIDC_ADMIN_GROUPS, so it would grant nothing`,
    );
}

let cached: Config | undefined;

/** The process-wide configuration, validated once on first use. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** The environment for a child process: this one's, with `overrides` on top. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
