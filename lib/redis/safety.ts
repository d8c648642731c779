import { z } from "zod";
import type { RedisClient } from "./client";
import { permissionDenialOf } from "./errors";
import { mergeInfo, readMasterInfos } from "./info";

/**
 * Whether the queue Redis can keep what Redrive stores, read from `INFO` alone
 * (managed services often refuse CONFIG). Three things lose or refuse data
 * without any error at the moment they are set up:
 *
 * - an eviction policy other than `noeviction`: `allkeys-*` may drop whole
 *   work lists and DLQs when memory is full; `volatile-*` drops keys with a
 *   TTL first, and the DLQ metadata hashes carry the retention TTL;
 * - memory at `maxmemory` under `noeviction`: every write is refused (OOM),
 *   so producers, requeues and the worker's promotions fail until memory is freed;
 * - a failed AOF write or RDB save: Redis refuses writes (MISCONF) until
 *   persistence works again, e.g. after a full disk.
 *
 * The dashboard shows these on every page, /api/health names them, and the
 * worker logs them when it starts and whenever they change.
 */

export const RedisWarningCodeSchema = z.enum([
  "EVICTION_POLICY",
  "MEMORY_FULL",
  "PERSISTENCE_FAILING",
  "REDIS_VERSION",
  "INFO_DENIED",
]);
export type RedisWarningCode = z.infer<typeof RedisWarningCodeSchema>;

export const RedisWarningSchema = z.strictObject({
  code: RedisWarningCodeSchema,
  message: z.string().describe("What Redis does to the queues, and what to change."),
});
export type RedisWarning = z.infer<typeof RedisWarningSchema>;

export const RedisSafetySchema = z.strictObject({
  version: z
    .string()
    .describe(
      "redis_version from INFO (Valkey reports the Redis version it is compatible with); empty if INFO does not say.",
    ),
  evictionPolicy: z.string().describe("maxmemory-policy; only noeviction is safe for queues."),
  usedMemory: z.number().nonnegative(),
  maxMemory: z.number().nonnegative().describe("0: no limit."),
  aofEnabled: z.boolean(),
  warnings: z.array(RedisWarningSchema),
});
export type RedisSafety = z.infer<typeof RedisSafetySchema>;

/** At this share of maxmemory a noeviction Redis is about to refuse writes. */
const FULL_SHARE = 0.98;

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function evictionWarning(policy: string): RedisWarning | null {
  if (policy === "noeviction" || policy === "") return null;
  const what = policy.startsWith("volatile-")
    ? "the DLQ metadata hashes first (they carry the retention TTL), leaving entries nobody can explain"
    : "any key, whole work lists and dead-letter queues included";
  return {
    code: "EVICTION_POLICY",
    message: `Redis maxmemory-policy is ${policy}: when memory is full it evicts ${what}. Set maxmemory-policy noeviction on the queue Redis; a cache that needs eviction belongs on its own Redis.`,
  };
}

function memoryWarning(policy: string, used: number, max: number): RedisWarning | null {
  if (max <= 0 || policy !== "noeviction" || used < max * FULL_SHARE) return null;
  return {
    code: "MEMORY_FULL",
    message: `Redis is at its memory limit (${mib(used)} of ${mib(max)}) with noeviction: it refuses writes, so producers, requeues and retry promotion fail until memory is freed or maxmemory is raised. Nothing already queued is lost.`,
  };
}

function persistenceWarning(info: Record<string, string>): RedisWarning | null {
  const aofFailed = info.aof_last_write_status === "err";
  const rdbFailed = info.rdb_last_bgsave_status === "err";
  if (!aofFailed && !rdbFailed) return null;
  // A failed AOF write always stops writes; a failed snapshot does while
  // stop-writes-on-bgsave-error is on (Redis' default) and snapshots are configured.
  const what = aofFailed
    ? "its last AOF write failed (often a full disk): it refuses writes with MISCONF"
    : "its last RDB snapshot failed (often a full disk): with Redis' default stop-writes-on-bgsave-error it refuses writes with MISCONF";
  return {
    code: "PERSISTENCE_FAILING",
    message: `Redis reports that ${what} until persistence works again. Nothing already queued is lost; check the Redis log and its disk.`,
  };
}

/** The oldest Redis Redrive runs on: LMOVE and BLMOVE, which every move uses, came in 6.2. */
export const MIN_REDIS_VERSION = [6, 2] as const;

/** The warning for a Redis older than MIN_REDIS_VERSION, or null (also when INFO does not say). */
export function versionWarning(version: string): RedisWarning | null {
  const [major, minor] = version.split(".").map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major + minor)) return null;
  const [wantMajor, wantMinor] = MIN_REDIS_VERSION;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return null;
  return {
    code: "REDIS_VERSION",
    message: `Redis ${version} is older than ${wantMajor}.${wantMinor}, the oldest Redrive runs on: moves use LMOVE and BLMOVE, which it lacks, so they fail. Upgrade Redis (or use Valkey 7.2 or later).`,
  };
}

/** The report for one parsed `INFO` answer (the default sections hold memory and persistence). */
export function safetyOf(info: Record<string, string>): RedisSafety {
  const policy = info.maxmemory_policy ?? "";
  const used = Number(info.used_memory) || 0;
  const max = Number(info.maxmemory) || 0;
  const version = info.redis_version ?? "";
  const warnings = [
    versionWarning(version),
    evictionWarning(policy),
    memoryWarning(policy, used, max),
    persistenceWarning(info),
  ].filter((w): w is RedisWarning => w !== null);
  return {
    version,
    evictionPolicy: policy,
    usedMemory: used,
    maxMemory: max,
    aofEnabled: info.aof_enabled === "1",
    warnings,
  };
}

/**
 * The report for the queue Redis, from plain INFO (the default sections hold
 * memory and persistence; it works on every Redis version). On a Cluster,
 * from every master: the figures summed (lib/redis/info.ts), and a warning
 * any one master earns is shown, since a full or misconfigured shard loses or
 * refuses the writes of its slots whatever the others hold.
 */
export async function readRedisSafety(
  redis: RedisClient,
  read: Promise<Record<string, string>[]> = readMasterInfos(redis),
): Promise<RedisSafety> {
  let infos: Record<string, string>[];
  try {
    infos = await read;
  } catch (error) {
    const denial = permissionDenialOf(error);
    if (!denial) throw error;
    return unknownSafety(denial);
  }
  const whole = safetyOf(mergeInfo(infos));
  if (infos.length <= 1) return whole;
  const warnings = [...whole.warnings];
  for (const w of infos.flatMap((i) => safetyOf(i).warnings)) {
    if (!warnings.some((k) => k.code === w.code)) warnings.push(w);
  }
  return { ...whole, warnings };
}

/** What a user that may not run INFO gets: every figure unknown, and why. */
function unknownSafety(denial: string): RedisSafety {
  return {
    version: "",
    evictionPolicy: "unknown",
    usedMemory: 0,
    maxMemory: 0,
    aofEnabled: false,
    warnings: [
      {
        code: "INFO_DENIED",
        message: `${denial} Without INFO, Redrive cannot check the eviction policy, memory or persistence of the queue Redis.`,
      },
    ],
  };
}

type Log = (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;

/**
 * Logs the safety report when a process starts and whenever the set of
 * warnings changes (a policy set at runtime, memory filling up, a disk
 * filling up), never once per poll.
 */
export class SafetyWatch {
  private last: string | null = null;

  constructor(
    private readonly log: Log,
    private readonly who: Record<string, unknown>,
  ) {}

  /** `read`: the masters' INFO when the caller has asked for it already. */
  async check(redis: RedisClient, read?: Promise<Record<string, string>[]>): Promise<RedisSafety> {
    const safety = await readRedisSafety(redis, read);
    const key = safety.warnings.map((w) => w.code).join(",");
    if (key !== this.last) {
      const fields = {
        ...this.who,
        evictionPolicy: safety.evictionPolicy,
        maxMemory: safety.maxMemory,
      };
      if (safety.warnings.length > 0) {
        this.log("warn", "redis is unsafe for queues", { ...fields, warnings: safety.warnings });
      } else {
        this.log("info", "redis is safe for queues", fields);
      }
      this.last = key;
    }
    return safety;
  }
}
