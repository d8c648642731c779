import { performance } from "node:perf_hooks";
import { encode, decode } from "next-auth/jwt";
import { workerStatus } from "../../lib/health";
import { keysOf } from "../../lib/queues/context";
import { runScript } from "../../lib/redis/scripts";
import { NEXTAUTH_SECRET } from "../lib/next-app";
import type { BenchServer } from "../lib/server";
import { printTable } from "../lib/table";
import { LARGE_QUEUE, PAGE, PAGE_QUEUE, type Sizes } from "./shared";

// ---------------------------------------------------------------- where the time goes

/** Mean CPU (event-loop active) time of `fn` in this process, in ms, after a warm-up. */
async function busyMs(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn();
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < n; i++) await fn();
  return performance.eventLoopUtilization(elu0).active / n;
}

/**
 * The handlers' own work without HTTP, Next.js or the session check, run here
 * on the same Redis: what is left of a request's CPU time is the framework's
 * and the session's. And next-auth's JWT decode, which the handlers run once
 * per cookie and remember for 30 s (proxy.ts does not match /api).
 */
export async function inProcess(b: BenchServer, sz: Sizes, growth: boolean) {
  const e = b.engine;
  const page = async (queue: string, offset: number) => {
    const [total, messages] = await Promise.all([
      e.getDlqCount(queue),
      e.getDlqMessages(queue, offset, PAGE),
    ]);
    return JSON.stringify({ queue, total, offset, limit: PAGE, messages });
  };
  const sample = await e.getDlqMessages(PAGE_QUEUE, 0, PAGE);
  const metadataKeys = sample.map((m) => m.metadataKey);
  const secret = NEXTAUTH_SECRET;
  const claims = { name: "admin", role: "admin" as const, sub: "admin" };
  const token = await encode({ token: claims, secret });
  const rows: [string, number][] = [
    [
      `DLQ page (${PAGE_QUEUE}, offset 0): LLEN + getDlqMessages + JSON.stringify`,
      await busyMs(() => page(PAGE_QUEUE, 0), 300),
    ],
    [
      "  of which the LRANGE of 50 entries (client side)",
      await busyMs(() => b.redis.lrangeBuffer(keysOf(e.ctx, PAGE_QUEUE).dlq, 0, PAGE - 1), 300),
    ],
    [
      `  of which the ${PAGE} metadata hashes (one readHashes script call, client side)`,
      await busyMs(() => runScript(e.ctx.redis, "readHashes", metadataKeys, [64]), 300),
    ],
    [
      "  of which JSON.stringify of the body",
      await busyMs(async () => JSON.stringify({ messages: sample }), 300),
    ],
  ];
  if (growth) {
    rows.push([
      `DLQ page (${LARGE_QUEUE}, offset ${sz.deepOffset}): the same`,
      await busyMs(() => page(LARGE_QUEUE, sz.deepOffset), 300),
    ]);
  }
  rows.push(
    [
      "stats: getStats + workerStatus + JSON.stringify",
      await busyMs(async () => {
        const [queues, worker] = await Promise.all([e.getStats(), workerStatus(e.ctx)]);
        return JSON.stringify({ queues, worker });
      }, 500),
    ],
    [
      "next-auth JWT decode (once per cookie per 30 s)",
      await busyMs(() => decode({ token, secret }), 500),
    ],
  );
  printTable(
    "Where the time goes (a): the handlers' own work in this process, without HTTP, Next.js or session",
    ["work", "CPU ms/call"],
    rows,
  );
  return Object.fromEntries(rows.map(([k, v]) => [k.trim(), v]));
}
