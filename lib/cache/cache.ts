import "server-only";
import type { Config } from "../config";
import { masters, type RedisClient } from "../redis/client";
import { createRedis } from "../redis/connection";
import { mgetBuffers, unlinkKeys } from "../redis/keyspace";
import { isRedriveKey } from "../queues/keys";
import { decodeValue, encodeValue } from "./codec";
import { Counters } from "./counters";
import { Guard, type GuardStats } from "./guard";
import { namespaceOf, OTHER, ttlFor } from "./namespaces";

/**
 * The Python backend's RedisCache: get, set, delete, deletePattern, getOrSet, a cached()
 * wrapper and the @cacheResult() decorator (see decorator.ts).
 *
 * Values are JSON (gzip'd above CACHE_COMPRESS_THRESHOLD_BYTES, codec.ts).
 * Every Redis call goes through a Guard: when Redis is down or slow, reads
 * fall through to the loader, writes are dropped, nothing throws to the
 * caller, and the cache comes back by itself. A miss is `undefined`; `null`
 * is a value that can be cached.
 */
export interface RedisCacheOptions {
  enabled?: boolean;
  timeoutMs?: number;
  compressAbove?: number;
  statsFlushMs?: number;
}

const SCAN_COUNT = 1000;
/** Keys per MGET (a bounded call on user data). */
const MGET_MAX = 1000;

/** A loader call in progress; `invalidated` when delete() ran for its key meanwhile. */
interface Flight {
  promise: Promise<unknown>;
  invalidated: boolean;
}

export class RedisCache {
  readonly guard: Guard;
  private readonly counters: Counters;
  private readonly inflight = new Map<string, Flight>();
  /** Keys asked for in this tick, read with one MGET (DataLoader's batching). */
  private batchKeys: string[] = [];
  private batchWaiters: ((buf: Buffer | null) => void)[] = [];
  private readonly enabled: boolean;
  private readonly compressAbove: number;

  /** Whether close() also closes the client (true when connect() made it). */
  private ownsClient = false;

  constructor(
    readonly redis: RedisClient,
    private readonly config: Config,
    options: RedisCacheOptions = {},
  ) {
    this.enabled = options.enabled ?? config.CACHE_ENABLED;
    this.compressAbove = options.compressAbove ?? config.CACHE_COMPRESS_THRESHOLD_BYTES;
    this.guard = new Guard(options.timeoutMs ?? config.CACHE_TIMEOUT_MS);
    this.counters = new Counters(
      redis,
      options.statsFlushMs ?? config.CACHE_STATS_FLUSH_MS,
      config,
    );
  }

  /**
   * A client made for the cache: commands fail at once while disconnected
   * (no offline queue) instead of waiting for a reconnect, and several calls
   * made in one tick share one write (auto-pipelining).
   */
  static connect(url: string, config: Config, options: RedisCacheOptions = {}): RedisCache {
    // createRedis: TLS from the configuration, and the Cluster when `url` is the queue Redis's on one.
    const redis = createRedis(
      url,
      {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(100 * times, 1_000),
      },
      config,
    );
    redis.on("error", () => {
      // Counted by the guard on each failed call; nothing else to do here.
    });
    const cache = new RedisCache(redis, config, options);
    cache.ownsClient = true;
    return cache;
  }

  /**
   * Runs a Redis call through the guard; while the client is not connected
   * (starting, or reconnecting after an outage) the call is skipped at once:
   * waiting out a timeout would only delay the fallback.
   */
  private call<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    if (this.redis.status !== "ready") {
      this.guard.stats.skipped++;
      return Promise.resolve(fallback);
    }
    return this.guard.run(op, fallback);
  }

  /** Resolves when the client is connected (or after `timeoutMs`, whichever is first). */
  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.redis.status === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const onReady = () => done(true);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off("ready", onReady);
        resolve(ok);
      };
      this.redis.once("ready", onReady);
    });
  }

  /**
   * Reads of one tick share one MGET: with many concurrent callers, the cost
   * per read is a share of one command instead of a command each.
   */
  private fetch(key: string): Promise<Buffer | null> {
    if (this.batchKeys.length === 0) process.nextTick(() => this.flushBatch());
    this.batchKeys.push(key);
    const promise = new Promise<Buffer | null>((resolve) => this.batchWaiters.push(resolve));
    if (this.batchKeys.length === MGET_MAX) this.flushBatch();
    return promise;
  }

  private flushBatch(): void {
    if (this.batchKeys.length === 0) return;
    const keys = this.batchKeys;
    const waiters = this.batchWaiters;
    this.batchKeys = [];
    this.batchWaiters = [];
    void this.call(() => mgetBuffers(this.redis, keys), null).then((bufs) => {
      for (let i = 0; i < waiters.length; i++) waiters[i]!(bufs?.[i] ?? null);
    });
  }

  /** The cached value, or undefined on a miss, when disabled, or when Redis fails. */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    const buf = await this.fetch(key);
    const ns = namespaceOf(key) ?? OTHER;
    if (buf === null) {
      this.counters.count(ns, "misses");
      return undefined;
    }
    try {
      const value = decodeValue(buf) as T;
      this.counters.count(ns, "hits");
      return value;
    } catch {
      // A value another writer stored in a form we cannot read is a miss, not a crash.
      this.counters.count(ns, "misses");
      return undefined;
    }
  }

  /** Stores a value for `ttl` seconds (the key's namespace TTL by default). False if dropped. */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    if (!this.enabled || value === undefined) return false;
    const seconds = ttl ?? ttlFor(this.config, key);
    const buf = encodeValue(value, this.compressAbove);
    const reply = await this.call(() => this.redis.set(key, buf, "EX", seconds), null);
    return reply === "OK";
  }

  /** Removes keys; returns how many existed (0 when Redis fails). */
  async delete(...keys: string[]): Promise<number> {
    const safe = keys.filter((k) => !isRedriveKey(this.config, k));
    if (safe.length === 0) return 0;
    for (const k of safe) {
      const flight = this.inflight.get(k);
      if (flight) {
        // Its value may predate the change: it is not stored, and nobody joins it now.
        flight.invalidated = true;
        this.inflight.delete(k);
      }
    }
    return this.call(() => unlinkKeys(this.redis, safe), 0);
  }

  /**
   * Removes every key matching a glob pattern, with SCAN and UNLINK in batches
   * (never KEYS). Redrive's own keys are skipped whatever the pattern.
   */
  async deletePattern(pattern: string): Promise<number> {
    let deleted = 0;
    // On a Cluster, every master's keys in turn (none while it knows no master yet).
    const nodes = await this.call(async () => masters(this.redis), null);
    for (const node of nodes ?? []) {
      let cursor = "0";
      do {
        const step = await this.call(
          () => node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT),
          null,
        );
        if (!step) return deleted;
        cursor = step[0];
        deleted += await this.delete(...step[1]);
      } while (cursor !== "0");
    }
    return deleted;
  }

  /**
   * The cached value, or the loader's, stored for next time. Concurrent misses
   * of one key in this process share one loader call (and its write). A hit
   * costs one GET and nothing else: misses join up after their lookup.
   */
  async getOrSet<T>(key: string, loader: () => Promise<T>, ttl?: number): Promise<T> {
    // Disabled means the loader, every time: not even concurrent calls share one.
    if (!this.enabled) return loader();
    const hit = await this.get<T>(key);
    if (hit !== undefined) return hit;
    const running = this.inflight.get(key);
    if (running) return running.promise as Promise<T>;
    const flight: Flight = { promise: Promise.resolve(), invalidated: false };
    flight.promise = this.load(key, loader, ttl, flight);
    this.inflight.set(key, flight);
    return flight.promise as Promise<T>;
  }

  private async load<T>(
    key: string,
    loader: () => Promise<T>,
    ttl: number | undefined,
    flight: Flight,
  ): Promise<T> {
    try {
      const value = await loader();
      // The caller does not wait for the write; a failed write is a dropped write.
      if (!flight.invalidated) void this.set(key, value, ttl);
      return value;
    } finally {
      if (this.inflight.get(key) === flight) this.inflight.delete(key);
    }
  }

  /** Wraps an async function so that its results are cached under `key(...args)`. */
  cached<A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    options: { key: (...args: A) => string; ttl?: number },
  ): (...args: A) => Promise<R> {
    return (...args: A) => this.getOrSet(options.key(...args), () => fn(...args), options.ttl);
  }

  health(): GuardStats & { enabled: boolean } {
    return { ...this.guard.stats, enabled: this.enabled };
  }

  /** Writes pending hit/miss counts now (they are otherwise flushed every CACHE_STATS_FLUSH_MS). */
  flushStats(): Promise<void> {
    return this.counters.flush();
  }

  /** Flushes the counters; closes the client too when connect() made it. */
  async close(): Promise<void> {
    await this.counters.close();
    if (this.ownsClient) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
