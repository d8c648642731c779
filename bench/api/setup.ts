import { performance } from "node:perf_hooks";
import type Redis from "ioredis";
import { keysOf } from "../../lib/queues/context";
import { retentionSeconds } from "../../lib/queues/producer";
import type { EmbeddedRedis } from "../../scripts/embedded-redis";
import type { BullBoardServer } from "../lib/bull-board";
import { addFailedJobs, loadBullMQ, type BullConnection } from "../lib/bullmq";
import { check } from "../lib/check";
import { loadDlq, payload } from "../lib/data";
import type { NextApp } from "../lib/next-app";
import type { BenchServer } from "../lib/server";
import { Count, printTable, type Cell } from "../lib/table";
import {
  BULL_COUNTS_PATH,
  bullPagePath,
  dlqPagePath,
  FAIL_REASON,
  LARGE_QUEUE,
  PAGE,
  PAGE_QUEUE,
  QUEUES,
  seconds,
  SMALL_QUEUE,
  type Sizes,
} from "./shared";

/** The data both systems serve, loaded before any measurement, and one checked request to each endpoint. */

export interface Setup {
  b: BenchServer;
  bullRedis: EmbeddedRedis;
  bullClient: Redis;
  app: NextApp;
  board: BullBoardServer;
}

export async function loadData(
  b: BenchServer,
  bullRedis: EmbeddedRedis,
  sz: Sizes,
  growth: boolean,
) {
  const rows: Cell[][] = [];
  const retention = retentionSeconds(b.config);
  const dlqs: [string, number][] = [[PAGE_QUEUE, sz.page]];
  if (growth) dlqs.push([SMALL_QUEUE, sz.small], [LARGE_QUEUE, sz.large]);
  for (const [queue, n] of dlqs) {
    const t0 = performance.now();
    const bytes = await loadDlq(b.redis, queue, keysOf(b.engine.ctx, queue).dlq, n, retention);
    rows.push([
      `Redrive DLQ ${queue}`,
      new Count(n),
      `${Math.round(bytes)} B/entry + metadata hash`,
      seconds(performance.now() - t0),
    ]);
  }
  const bull = loadBullMQ();
  const connection: BullConnection = {
    host: "127.0.0.1",
    port: bullRedis.port,
    maxRetriesPerRequest: null,
  };
  const queue = new bull.Queue(PAGE_QUEUE, { connection });
  await queue.waitUntilReady();
  const t0 = performance.now();
  await addFailedJobs(
    bull,
    queue,
    connection,
    sz.page,
    (i) => ({ name: PAGE_QUEUE, data: payload(i, 3) }),
    FAIL_REASON,
  );
  check((await queue.getFailedCount()) === sz.page, `BullMQ holds ${sz.page} failed jobs`);
  await queue.close();
  rows.push([
    `BullMQ failed jobs ${PAGE_QUEUE}`,
    new Count(sz.page),
    "same payload; message and stack trace",
    seconds(performance.now() - t0),
  ]);
  printTable(
    "Data (loaded before any measurement, untimed)",
    ["what", "count", "shape", "seconds"],
    rows,
  );
}

interface DlqPageBody {
  total: number;
  offset: number;
  messages: { index: number }[];
}

interface BullQueuesBody {
  queues: { name: string; counts: Record<string, number>; jobs: unknown[] }[];
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<[T, number]> {
  const res = await fetch(url, { headers, redirect: "manual" });
  const text = await res.text();
  check(res.status === 200, `GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return [JSON.parse(text) as T, Buffer.byteLength(text)];
}

/** One request to each endpoint before any load: right status, right content. */
export async function verify(
  s: Setup,
  sz: Sizes,
  growth: boolean,
): Promise<Record<string, number>> {
  const ours = { cookie: s.app.cookie };
  const bodyBytes: Record<string, number> = {};
  const pages: [string, number, number][] = [[PAGE_QUEUE, 0, sz.page]];
  if (growth) {
    pages.push([SMALL_QUEUE, 0, sz.small], [LARGE_QUEUE, 0, sz.large]);
    pages.push([LARGE_QUEUE, sz.deepOffset, sz.large]);
  }
  for (const [queue, offset, total] of pages) {
    const path = dlqPagePath(queue, offset);
    const [body, bytes] = await getJson<DlqPageBody>(s.app.url + path, ours);
    check(body.total === total, `${path}: total ${body.total}, expected ${total}`);
    check(body.messages.length === PAGE, `${path}: ${body.messages.length} messages`);
    check(body.messages[0]!.index === offset, `${path}: first index ${body.messages[0]!.index}`);
    bodyBytes[path] = bytes;
  }
  const [stats, statsBytes] = await getJson<{ queues: { queue: string; dlq: number }[] }>(
    `${s.app.url}/api/admin/dlq/stats`,
    ours,
  );
  check(stats.queues.length === QUEUES.length, "stats lists every configured queue");
  check(
    stats.queues.find((q) => q.queue === PAGE_QUEUE)?.dlq === sz.page,
    "stats counts the page DLQ",
  );
  bodyBytes["/api/admin/dlq/stats"] = statsBytes;
  for (const board of ["all", "one"]) {
    const path = bullPagePath(board);
    const [body, bytes] = await getJson<BullQueuesBody>(s.board.url + path, {});
    const q = body.queues.find((x) => x.name === PAGE_QUEUE);
    check(q?.counts.failed === sz.page, `${path}: ${q?.counts.failed} failed jobs`);
    check(q?.jobs.length === PAGE, `${path}: ${q?.jobs.length} jobs on the page`);
    check(body.queues.length === (board === "all" ? QUEUES.length : 1), `${path}: queue count`);
    bodyBytes[path] = bytes;
  }
  const [counts, countsBytes] = await getJson<BullQueuesBody>(
    `${s.board.url}${BULL_COUNTS_PATH}`,
    {},
  );
  check(
    counts.queues.length === QUEUES.length && counts.queues.every((q) => q.jobs.length === 0),
    "bull-board /api/queues without activeQueue lists every queue and no job",
  );
  bodyBytes[BULL_COUNTS_PATH] = countsBytes;
  return bodyBytes;
}
