import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { hashTagOf } from "./hash-tag";
import { int, num } from "./env-schemas";

/**
 * Per-queue settings: each queue's Redis key names and alert thresholds.
 * For a few queues, environment variables name the queue (REDIS_DLQ_VIDEO,
 * ALERT_DLQ_SIZE_VIDEO, as the Python backend's configuration does). For
 * many, REDRIVE_QUEUE_CONFIG names a JSON file of rules that match queues by
 * name or glob (`tenant-*`), applied in order, so that one rule covers a
 * hundred queues; a variable naming the queue still wins over every rule.
 * The README's "Many queues" section documents the file.
 */

/** When a queue's card turns red (the Python backend's "alert on DLQ growth"); 0 means off. */
export interface AlertThresholds {
  dlqSize: number;
  growthPerHour: number;
  oldestAgeHours: number;
}

export interface QueueKeyNames {
  /** Producers LPUSH here, consumers BLMOVE from the right. */
  work: string;
  retry: string;
  dlq: string;
}

type Env = Record<string, string | undefined>;

const KEY_NAME = /^[A-Za-z0-9_:.{}-]{1,128}$/;

/** A rule's pattern: a queue name, or one with `*` (any run) and `?` (one character). */
const GLOB = /^[a-z0-9_*?-]{1,64}$/;

/**
 * Whether `name` matches `glob` (`*` any run of characters, `?` one). A
 * two-pointer walk that returns to the last `*` on a mismatch: linear in
 * practice and never worse than the product of the two lengths, both short.
 */
export function globMatches(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === "?" || glob[g] === name[n])) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = n;
    } else if (star >= 0) {
      g = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (glob[g] === "*") g++;
  return g === glob.length;
}

/** A key name, or a template of one: `${queue}` stands for the queue's name. */
const keyTemplate = z.string().refine((t) => KEY_NAME.test(t.replaceAll("${queue}", "q")), {
  error: "expected a Redis key name of letters, digits and _:.{}- (${queue} for the queue's name)",
});

const ruleSchema = z.strictObject({
  match: z.string().regex(GLOB, {
    error: "expected a queue name or a glob of lowercase letters, digits, _, -, * and ?",
  }),
  keys: z
    .strictObject({
      work: keyTemplate.optional(),
      retry: keyTemplate.optional(),
      dlq: keyTemplate.optional(),
    })
    .optional(),
  alerts: z
    .strictObject({
      dlqSize: z.number().int().min(0).max(1_000_000_000).optional(),
      growthPerHour: z.number().int().min(0).max(1_000_000_000).optional(),
      oldestAgeHours: z.number().min(0).max(87_600).optional(),
    })
    .optional(),
});

const fileSchema = z.strictObject({
  queues: z.array(ruleSchema).max(10_000, { error: "expected at most 10 000 rules" }),
});

export type QueueRule = z.infer<typeof ruleSchema>;

/** The file is read once at start; a larger one is refused rather than read. */
const FILE_BYTES_MAX = 1024 * 1024;

/** The rules of REDRIVE_QUEUE_CONFIG's file (none when it is unset); problems are pushed. */
export function readQueueRules(path: string | undefined, problems: string[]): QueueRule[] {
  if (!path) return [];
  const where = `REDRIVE_QUEUE_CONFIG (${path})`;
  let text: string;
  try {
    if (statSync(path).size > FILE_BYTES_MAX) {
      problems.push(`${where}: larger than 1 MB`);
      return [];
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push(`${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the file's text.
    problems.push(`${where}: not JSON`);
    return [];
  }
  const parsed = fileSchema.safeParse(json);
  if (parsed.success) return parsed.data.queues;
  for (const issue of parsed.error.issues) {
    problems.push(`${where}: ${issue.path.join(".") || "file"}: ${issue.message}`);
  }
  return [];
}

/** Rules that name a queue outright must name one of QUEUES (a glob may match none yet). */
export function unknownQueueProblems(rules: QueueRule[], queues: string[]): string[] {
  return rules.flatMap((r, i) =>
    /[*?]/.test(r.match) || queues.includes(r.match)
      ? []
      : [`REDRIVE_QUEUE_CONFIG: queues.${i}.match: ${JSON.stringify(r.match)} is not in QUEUES`],
  );
}

function envSuffix(queue: string): string {
  return queue.toUpperCase().replace(/-/g, "_");
}

/** The rules matching `queue`, in file order (a later one overrides an earlier one field by field). */
const rulesFor = (rules: QueueRule[], queue: string) =>
  rules.filter((r) => globMatches(r.match, queue));

/** What a bad variable's error may show of its value (config.ts's shownValue). */
export type ShowValue = (name: string, value: string | undefined) => string;

/** Key names per queue: defaults, then the file's rules, then REDIS_QUEUE_<Q>/RETRY/DLQ variables. */
export function resolveQueueKeys(
  queues: string[],
  style: "plain" | "hashtag",
  input: { env: Env; rules: QueueRule[]; show: ShowValue },
  problems: string[],
): Record<string, QueueKeyNames> {
  const { env, rules, show } = input;
  const keys: Record<string, QueueKeyNames> = {};
  for (const q of queues) {
    // REDIS_KEY_STYLE=hashtag: one hash tag per queue, so a Cluster keeps a queue's keys in one slot.
    const base = style === "hashtag" ? `{${q}}` : q;
    const names: QueueKeyNames = {
      work: `${base}_queue`,
      retry: `${base}_retry`,
      dlq: `${base}_dlq`,
    };
    for (const rule of rulesFor(rules, q)) {
      for (const kind of ["work", "retry", "dlq"] as const) {
        const template = rule.keys?.[kind];
        if (template !== undefined) names[kind] = template.replaceAll("${queue}", q);
      }
    }
    const pick = (kind: string, fallback: string) => {
      const name = `REDIS_${kind}_${envSuffix(q)}`;
      const value = env[name];
      if (value === undefined || value === "") return fallback;
      if (!KEY_NAME.test(value)) {
        problems.push(
          `${name}: expected a Redis key name of letters, digits and _:.{}-${show(name, value)}`,
        );
      }
      return value;
    };
    keys[q] = {
      work: pick("QUEUE", names.work),
      retry: pick("RETRY", names.retry),
      dlq: pick("DLQ", names.dlq),
    };
  }
  problems.push(...keyProblems(queues, keys));
  return keys;
}

/** Two queues may share no key, and no hash tag of a DLQ key (it names the requeue-all task). */
function keyProblems(queues: string[], keys: Record<string, QueueKeyNames>): string[] {
  const problems: string[] = [];
  const all = Object.values(keys).flatMap((k) => [k.work, k.retry, k.dlq]);
  const dup = all.find((k, i) => all.indexOf(k) !== i);
  if (dup) problems.push(`REDIS_*: the key ${JSON.stringify(dup)} is used twice`);
  // A queue's task hash is named by its DLQ key's hash tag (lib/tasks/redrive.ts, taskKey).
  const tags = queues.map((q) => hashTagOf(keys[q]!.dlq));
  const shared = tags.find((t, i) => t !== null && tags.indexOf(t) !== i);
  if (shared !== undefined) {
    problems.push(
      `REDIS_DLQ_*: two queues' DLQ keys share the hash tag {${shared}}, and so would share one requeue-all task; give each its own tag`,
    );
  }
  return problems;
}

const ALERT_VARS = [
  ["dlqSize", "ALERT_DLQ_SIZE", int(0, 1_000_000_000)],
  ["growthPerHour", "ALERT_DLQ_GROWTH_PER_HOUR", int(0, 1_000_000_000)],
  ["oldestAgeHours", "ALERT_DLQ_AGE_HOURS", num(0, 87_600)],
] as const;

/** Alert thresholds per queue: the global values, then the file's rules, then ALERT_*_<Q> variables. */
export function resolveAlerts(
  queues: string[],
  defaults: AlertThresholds,
  input: { env: Env; rules: QueueRule[]; show: ShowValue },
  problems: string[],
): Record<string, AlertThresholds> {
  const alerts: Record<string, AlertThresholds> = {};
  for (const q of queues) {
    const t = { ...defaults };
    for (const rule of rulesFor(input.rules, q)) {
      for (const [field, value] of Object.entries(rule.alerts ?? {})) {
        if (value !== undefined) t[field as keyof AlertThresholds] = value;
      }
    }
    for (const [field, base, schema] of ALERT_VARS) {
      const name = `${base}_${envSuffix(q)}`;
      const value = input.env[name];
      if (value === undefined || value === "") continue;
      const parsed = schema.safeParse(value);
      if (parsed.success) t[field] = parsed.data;
      else
        problems.push(
          ...parsed.error.issues.map((i) => `${name}: ${i.message}${input.show(name, value)}`),
        );
    }
    alerts[q] = t;
  }
  return alerts;
}
