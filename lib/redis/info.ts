import { masters, type RedisClient } from "./client";

/**
 * `INFO` of the whole keyspace: one server's, or on a Cluster every master's
 * merged into one record of the same fields. Each master holds a share of the
 * keys, so counts, memory and hits add up; a setting or status that differs
 * between masters is shown as its most alarming value, so that one shard with
 * the wrong eviction policy or a failing disk is not hidden by the others.
 */
export async function readInfo(
  client: RedisClient,
  section?: string,
): Promise<Record<string, string>> {
  return mergeInfo(await readMasterInfos(client, section));
}

/** Each master's `INFO` (one on a single server), parsed. */
export async function readMasterInfos(
  client: RedisClient,
  section?: string,
): Promise<Record<string, string>[]> {
  const nodes = masters(client);
  const texts = await Promise.all(nodes.map((m) => (section ? m.info(section) : m.info())));
  return texts.map(parseInfo);
}

/** Fields whose Cluster-wide value is the sum over the masters. */
const SUMMED = [
  "used_memory",
  "used_memory_peak",
  "keyspace_hits",
  "keyspace_misses",
  "evicted_keys",
  "expired_keys",
  "connected_clients",
  "total_commands_processed",
];

/** Fields where one master's value stands for all when it is this one. */
const WORST: Record<string, (value: string) => boolean> = {
  maxmemory_policy: (v) => v !== "noeviction",
  aof_last_write_status: (v) => v === "err",
  rdb_last_bgsave_status: (v) => v === "err",
};

export function mergeInfo(infos: Record<string, string>[]): Record<string, string> {
  if (infos.length <= 1) return infos[0] ?? {};
  const out = { ...infos[0]! };
  for (const field of SUMMED) {
    if (infos.some((i) => field in i)) out[field] = String(sumOf(infos, field));
  }
  // A master without a limit (0) makes the whole unlimited.
  const limits = infos.map((i) => Number(i.maxmemory) || 0);
  if ("maxmemory" in out) out.maxmemory = String(limits.includes(0) ? 0 : sum(limits));
  for (const [field, isWorst] of Object.entries(WORST)) {
    const worst = infos.find((i) => i[field] !== undefined && isWorst(i[field]));
    if (worst) out[field] = worst[field]!;
  }
  const uptimes = infos.map((i) => Number(i.uptime_in_seconds)).filter(Number.isFinite);
  if (uptimes.length > 0) out.uptime_in_seconds = String(Math.min(...uptimes));
  const versions = infos.map((i) => i.redis_version ?? "").filter(Boolean);
  if (versions.length > 0) out.redis_version = versions.sort(compareVersions)[0]!;
  for (const db of new Set(infos.flatMap((i) => Object.keys(i).filter(isDbField)))) {
    out[db] = mergeKeyspace(infos.map((i) => i[db]).filter((v): v is string => Boolean(v)));
  }
  return out;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const sumOf = (infos: Record<string, string>[], field: string) =>
  sum(infos.map((i) => Number(i[field]) || 0));

function isDbField(field: string): boolean {
  return field.startsWith("db") && field.length > 2 && Number.isInteger(Number(field.slice(2)));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `keys=…,expires=…,avg_ttl=…` lines of one database on each master, as one line. */
function mergeKeyspace(lines: string[]): string {
  let keys = 0;
  let expires = 0;
  let ttlWeighted = 0;
  for (const line of lines) {
    const parts = new Map(line.split(",").map((p) => p.split("=") as [string, string]));
    const e = Number(parts.get("expires") ?? 0);
    keys += Number(parts.get("keys") ?? 0);
    expires += e;
    ttlWeighted += Number(parts.get("avg_ttl") ?? 0) * e;
  }
  const avgTtl = expires > 0 ? Math.round(ttlWeighted / expires) : 0;
  return `keys=${keys},expires=${expires},avg_ttl=${avgTtl}`;
}

/** `INFO`'s text as a map; section headers and blank lines dropped. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
