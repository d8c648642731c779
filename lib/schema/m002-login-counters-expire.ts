import type { Redis } from "ioredis";
import { isCluster, masters } from "../redis/client";
import { keySlot } from "../redis/slots";
import { ownKey } from "../own-keys";
import type { Config } from "../config";
import type { Migration, MigrationResult, MigrationStep } from "./migration";

/** Keys read per SCAN page and batch (one PTTL and GET each, pipelined). */
const PAGE = 500;

/**
 * The `{login}` counters came after 0.1.0; until this release a successful
 * login took one from counters that had expired in the meantime, which left a
 * counter at -1 with no TTL: a key that never went away (a deployment that ran
 * a build from between the two has them; 0.1.0's own counters always expire). The counters are now only lowered where they exist; this gives every
 * counter without a TTL the window its kind counts in. A value that is not an
 * integer is not Redrive's counter: it is left as it is and counted in `left`.
 */
export const loginCountersExpire: Migration = {
  version: 2,
  name: "login-counters-expire",
  summary: "login counters without a TTL (left at -1 by a successful login) get their window's TTL",
  run: async (step) => {
    const result: MigrationResult = { changed: 0, left: 0, unchanged: 0, notes: [] };
    const node = loginNode(step);
    const match = `${ownKey(step.ctx.config, "{login}")}:*`;
    let cursor = startCursor(step, node);
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", match, "COUNT", PAGE);
      await expireCounters(step, keys, result);
      cursor = next;
      if (cursor !== "0" && !step.dryRun) await step.save(`${nodeName(node)} ${cursor}`);
    } while (cursor !== "0");
    if (result.left > 0) {
      result.notes.push(`${result.left} key(s) under {login} hold no counter: left as they are`);
    }
    return result;
  },
};

/**
 * Every login counter shares the {login} hash tag: on a Cluster, one master
 * holds them all, and only its keyspace is scanned.
 */
function loginNode({ ctx }: MigrationStep): Redis {
  if (!isCluster(ctx.redis)) return ctx.redis;
  const address = ctx.redis.slots[keySlot(ownKey(ctx.config, "{login}"))]?.[0];
  const node = masters(ctx.redis).find((n) => nodeName(n) === address);
  if (!node) throw new Error("no master holds the login counters' slot yet");
  return node;
}

function nodeName(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * A SCAN cursor means something only on the server that gave it: progress is
 * `<host:port> <cursor>`, and a run resumed on another server (a failover, a
 * resharding) starts that server's scan afresh, which is safe as the change is idempotent.
 */
function startCursor(step: MigrationStep, node: Redis): string {
  const [where, cursor] = (step.resumeFrom ?? "").split(" ");
  return where === nodeName(node) && cursor && /^\d+$/.test(cursor) ? cursor : "0";
}

async function expireCounters(step: MigrationStep, keys: string[], result: MigrationResult) {
  if (keys.length === 0) return;
  const { redis, config } = step.ctx;
  const read = redis.pipeline();
  for (const key of keys) read.ttl(key).get(key);
  const replies = (await read.exec()) ?? [];
  const write = redis.pipeline();
  keys.forEach((key, i) => {
    const ttl = Number(replies[2 * i]?.[1]);
    const value = replies[2 * i + 1]?.[1];
    if (ttl !== -1) return void (result.unchanged += 1);
    if (typeof value !== "string" || !/^-?\d{1,18}$/.test(value)) return void (result.left += 1);
    result.changed += 1;
    write.expire(key, windowOf(config, key), "NX");
  });
  if (!step.dryRun && write.length > 0) await write.exec();
}

/** `<prefix>:{login}:u:<h>` counts per user name, over its own window; the others over LOGIN_WINDOW_SECONDS. */
function windowOf(config: Config, key: string): number {
  const kind = key.slice(ownKey(config, "{login}:").length).split(":", 1)[0];
  return kind === "u" ? config.LOGIN_USER_WINDOW_SECONDS : config.LOGIN_WINDOW_SECONDS;
}
