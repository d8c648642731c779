import { createRequire } from "node:module";
import { join } from "node:path";
import { Latencies } from "./load";
import { PEERS_DIR } from "./peers";

/**
 * autocannon, loaded from bench/peers at run time. The types below are the few
 * members the benchmarks use, declared here so that type-checking the project
 * never needs bench/peers/node_modules (CI does not install the peers).
 */
export interface AutocannonOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
  /** Seconds without a response before a request counts as a timeout. */
  timeout?: number;
  /** Requests per second over all connections (an open-loop arrival rate); none by default. */
  overallRate?: number;
}

/** An hdr-histogram-percentiles-obj (latencies in whole milliseconds). */
export interface AutocannonHistogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}

export interface AutocannonResult {
  requests: AutocannonHistogram;
  latency: AutocannonHistogram;
  throughput: AutocannonHistogram;
  /** Seconds. */
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: "response",
    listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): this;
}

export type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

export function loadAutocannon(): Autocannon {
  return createRequire(join(PEERS_DIR, "package.json"))("autocannon") as Autocannon;
}

/** One measured run: throughput, latency (to the microsecond) and what came back. */
export interface LoadRun {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Responses with a status outside 2xx, as autocannon counts them. */
  non2xx: number;
  /** Responses with a status other than 200. */
  not200: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Bytes received per response, headers included. */
  bytesPerResponse: number;
}

/**
 * Runs autocannon against `url`: `connections` connections, each sending its
 * next request when the previous response is in (or, with `overallRate`, at
 * that many requests per second over all of them), for `seconds`. Latencies
 * are taken from every response event (autocannon's own histogram keeps whole
 * milliseconds only).
 */
export async function load(
  autocannon: Autocannon,
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  overallRate?: number,
): Promise<LoadRun> {
  const latencies = new Latencies();
  let not200 = 0;
  let bytes = 0;
  const rate = overallRate === undefined ? {} : { overallRate };
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    timeout: 30,
    ...rate,
  });
  instance.on("response", (_client, statusCode, resBytes, responseTime) => {
    latencies.add(responseTime);
    bytes += resBytes;
    if (statusCode !== 200) not200++;
  });
  const result = await instance;
  const lat = latencies.summary();
  return {
    requests: lat.count,
    seconds: result.duration,
    reqPerSec: lat.count / result.duration,
    p50Ms: lat.p50,
    p99Ms: lat.p99,
    maxMs: lat.max,
    meanMs: lat.mean,
    non2xx: result.non2xx,
    not200,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, Number(s.count)]),
    ),
    bytesPerResponse: lat.count > 0 ? bytes / lat.count : 0,
  };
}
