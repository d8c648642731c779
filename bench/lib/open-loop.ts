import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import type { LoadRun } from "./autocannon";
import { Latencies } from "./load";

/**
 * An open-loop load: requests arrive at a fixed rate, evenly spaced, whatever
 * the server's answers, as admins' browsers arrive. autocannon's overallRate
 * is not that: each connection sends its share of a second's requests back
 * to back as soon as the second starts, so every second opens with a burst of
 * all of them, and what it measures is how fast the server drains a burst
 * (a heavier server's p99 then grows with the burst, not with its latency).
 *
 * A request's latency is counted from the moment it was due, not from when a
 * connection was free to send it: a request that waits for a connection
 * waited for the server (no coordinated omission).
 */
export interface OpenLoopOptions {
  url: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most, as a browser pool would hold. */
  connections: number;
  headers?: Record<string, string>;
}

interface Counts {
  not200: number;
  errors: number;
  bytes: number;
  statusCodes: Record<string, number>;
}

function send(agent: Agent, o: OpenLoopOptions, due: number, lat: Latencies, c: Counts) {
  return new Promise<void>((resolve) => {
    const req = request(o.url, { agent, headers: o.headers }, (res) => {
      res.on("data", (chunk: Buffer) => (c.bytes += chunk.length));
      res.on("end", () => {
        lat.add(performance.now() - due);
        const code = String(res.statusCode);
        c.statusCodes[code] = (c.statusCodes[code] ?? 0) + 1;
        if (res.statusCode !== 200) c.not200++;
        resolve();
      });
    });
    req.on("error", () => {
      c.errors++;
      resolve();
    });
    req.end();
  });
}

/** Sends `rate` requests per second, evenly spaced, for `seconds`; waits for every answer. */
export async function openLoop(o: OpenLoopOptions): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const lat = new Latencies();
  const counts: Counts = { not200: 0, errors: 0, bytes: 0, statusCodes: {} };
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const interval = 1000 / o.rate;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(agent, o, due, lat, counts));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = lat.summary();
  const non2xx = Object.entries(counts.statusCodes)
    .filter(([code]) => !code.startsWith("2"))
    .reduce((n, [, k]) => n + k, 0);
  return {
    requests: s.count,
    seconds,
    reqPerSec: s.count / seconds,
    p50Ms: s.p50,
    p99Ms: s.p99,
    maxMs: s.max,
    meanMs: s.mean,
    non2xx,
    not200: counts.not200,
    errors: counts.errors,
    timeouts: 0,
    statusCodes: counts.statusCodes,
    bytesPerResponse: s.count > 0 ? counts.bytes / s.count : 0,
  };
}
