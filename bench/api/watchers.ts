import http from "node:http";
import { performance } from "node:perf_hooks";
import { Latencies } from "../lib/load";
import { PAGE } from "./shared";

/**
 * Simulated dashboards: each with its own connections (a browser's keep-alive
 * agent) and its own session cookie, polling a page's endpoints the way SWR
 * does (the first request at once and fresh, then each `everyMs` after the
 * previous answer, accepting an answer as old as the dashboard's interval),
 * until the window closes. Each request asks for compression as a
 * browser does; the bytes counted are those on the wire (status line,
 * headers, body as sent).
 */

export interface Poll {
  path: string;
  everyMs: number;
}

/** The queue page's tab: what it polls besides the header's stats and review mark. */
export type QueueTab = "dlq" | "errors" | "retries";

/**
 * What one Redrive dashboard polls at the default 5 s interval: the overview
 * page (components/overview/data.ts: the cards every interval, the 1 h chart
 * every 10 s — its step —, the insights every 30 s) and a queue page
 * (components/queue/data.ts: the header's stats and review mark, and the
 * open tab's reads: the dead letters' page of 50 and the task, the error
 * groups every 30 s, or the retries' page). Checked against what Chromium
 * requests on those pages; the one POST /api/session/activity at load is not
 * polling and is left out.
 */
export function redrivePolls(queue: string, tab: QueueTab): Poll[] {
  const q = encodeURIComponent(queue);
  const tabPolls: Record<QueueTab, Poll[]> = {
    dlq: [
      { path: `/api/admin/dlq/${q}?offset=0&limit=${PAGE}`, everyMs: 5000 },
      { path: `/api/admin/dlq/${q}/tasks`, everyMs: 5000 },
    ],
    errors: [{ path: `/api/admin/errors/${q}`, everyMs: 30_000 }],
    retries: [{ path: `/api/admin/retry/${q}?offset=0&limit=${PAGE}`, everyMs: 5000 }],
  };
  return [
    { path: "/api/admin/overview", everyMs: 5000 },
    { path: "/api/admin/metrics?window=1h", everyMs: 10_000 },
    { path: "/api/admin/insights", everyMs: 30_000 },
    { path: "/api/admin/dlq/stats", everyMs: 5000 },
    { path: `/api/admin/review/${q}`, everyMs: 5000 },
    ...tabPolls[tab],
  ];
}

/** Jobs on bull-board's page as its UI asks for them by default (its settings' jobsPerPage). */
export const BULL_BOARD_UI_JOBS_PER_PAGE = 10;

/**
 * What bull-board's UI polls on a queue page showing its failed jobs: one
 * GET /api/queues with the page's parameters, every pollingInterval (5 s by
 * default), as Chromium shows it (@bull-board/ui 9's useQueues).
 */
export function bullBoardPolls(queue: string): Poll[] {
  const q = encodeURIComponent(queue);
  const page = `activeQueue=${q}&status=failed&page=1&jobsPerPage=${BULL_BOARD_UI_JOBS_PER_PAGE}`;
  return [{ path: `/all/api/queues?${page}`, everyMs: 5000 }];
}

export interface WatchResult {
  requests: number;
  /** Answers other than 200, and failed requests. */
  bad: number;
  bytes: number;
  ms: number;
  latencies: Latencies;
}

/**
 * The dashboard's poll interval, which its reads send as the age of a shared
 * answer they accept (components/DashboardProvider.tsx): a page's first read
 * of each path asks for a fresh one.
 */
const DASHBOARD_INTERVAL_S = 5;
const FIRST_READ = "no-cache";
const POLL_READ = `max-age=${DASHBOARD_INTERVAL_S}`;

function get(
  agent: http.Agent,
  base: URL,
  path: string,
  cookie: string | undefined,
  cacheControl = FIRST_READ,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: base.hostname,
        port: base.port,
        path,
        agent,
        headers: {
          accept: "application/json",
          "accept-encoding": "gzip, deflate, br",
          "cache-control": cacheControl,
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        // Each header line is "name: value\r\n": every name and value plus two bytes.
        const head = res.rawHeaders.reduce((n, h) => n + h.length + 2, 0);
        let bytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n`.length + head;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on("error", () => resolve({ status: 0, bytes }));
      },
    );
    req.on("error", () => resolve({ status: 0, bytes: 0 }));
  });
}

/** `count` requests of `path`, one after the other on one connection; how many answered 200. */
export async function sequential(
  baseUrl: string,
  path: string,
  cookie: string | undefined,
  count: number,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let ok = 0;
  for (let i = 0; i < count; i++) {
    if ((await get(agent, new URL(baseUrl), path, cookie)).status === 200) ok++;
  }
  agent.destroy();
  return ok;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Dashboards already open: they open evenly spread over the first 5 s (not
 * all in the same instant) and have made their first, fresh reads when the
 * counting starts, this long after the first one opened.
 */
export const SETTLE_S = 8;

/**
 * `cookies.length` dashboards polling `polls` of `baseUrl`, counted for
 * `seconds` after SETTLE_S; every poll of a dashboard starts when it opens.
 */
export async function watch(
  baseUrl: string,
  cookies: (string | undefined)[],
  polls: Poll[],
  seconds: number,
): Promise<WatchResult> {
  const base = new URL(baseUrl);
  const latencies = new Latencies();
  const out = { requests: 0, bad: 0, bytes: 0 };
  const t0 = performance.now();
  const from = t0 + SETTLE_S * 1000;
  const end = from + seconds * 1000;
  const agents = cookies.map(() => new http.Agent({ keepAlive: true, maxSockets: 6 }));
  await Promise.all(
    cookies.flatMap((cookie, k) =>
      polls.map(async (poll) => {
        await sleep(t0 + (k * 5000) / cookies.length - performance.now());
        for (let first = true; performance.now() < end; first = false) {
          const started = performance.now();
          const res = await get(
            agents[k]!,
            base,
            poll.path,
            cookie,
            first ? FIRST_READ : POLL_READ,
          );
          if (started < from) {
            await sleep(poll.everyMs);
            continue;
          }
          latencies.add(performance.now() - started);
          out.requests++;
          out.bytes += res.bytes;
          if (res.status !== 200) out.bad++;
          await sleep(poll.everyMs);
        }
      }),
    ),
  );
  const ms = performance.now() - from;
  for (const a of agents) a.destroy();
  return { ...out, ms, latencies };
}
