import { createRequire } from "node:module";
import { join } from "node:path";
import { PEERS_DIR } from "./peers";

/**
 * bentocache and the ioredis 5 it is built against, loaded from bench/peers at
 * run time. The types below are the few members the cache benchmark uses,
 * declared here so that type-checking the project never needs
 * bench/peers/node_modules (CI does not install the peers).
 */

/** The ioredis options the benchmark passes (a subset of RedisOptions). */
export interface PeerRedisOptions {
  host: string;
  port: number;
  enableOfflineQueue?: boolean;
  enableAutoPipelining?: boolean;
  maxRetriesPerRequest?: number | null;
  retryStrategy?: ((times: number) => number | void | null) | null;
}

/** An ioredis 5 client (bench/peers), as far as the benchmark uses it. */
export interface PeerRedis {
  readonly status: string;
  get(key: string): Promise<string | null>;
  once(event: "ready", listener: () => void): unknown;
  disconnect(): void;
}

export type PeerRedisConstructor = new (options: PeerRedisOptions) => PeerRedis;

/** A bentocache driver factory result, opaque to the benchmark. */
export type BentoDriver = { readonly __bentoDriver?: never };

export interface BentoStore {
  useL1Layer(driver: BentoDriver): BentoStore;
  useL2Layer(driver: BentoDriver): BentoStore;
}

export interface BentoGetOrSetOptions<T> {
  key: string;
  factory: () => T | Promise<T>;
  /** bentocache durations: milliseconds or a string such as "1h". */
  ttl?: number | string;
}

export interface BentoCacheInstance {
  getOrSet<T>(options: BentoGetOrSetOptions<T>): Promise<T>;
  disconnectAll(): Promise<void>;
}

export interface Bentocache {
  BentoCache: new (options: {
    default: string;
    stores: Record<string, BentoStore>;
  }) => BentoCacheInstance;
  bentostore(): BentoStore;
  /** `connection`: an ioredis 5 instance from bench/peers, or connection options. */
  redisDriver(options: { connection: PeerRedis | PeerRedisOptions; prefix?: string }): BentoDriver;
}

function peerRequire(): NodeRequire {
  return createRequire(join(PEERS_DIR, "package.json"));
}

/** bentocache is ESM only; Node ≥ 20.19 loads it with require(). */
export function loadBentocache(): Bentocache {
  const req = peerRequire();
  const main = req("bentocache") as Pick<Bentocache, "BentoCache" | "bentostore">;
  const drivers = req("bentocache/drivers/redis") as Pick<Bentocache, "redisDriver">;
  return {
    BentoCache: main.BentoCache,
    bentostore: main.bentostore,
    redisDriver: drivers.redisDriver,
  };
}

/** The ioredis that bentocache uses (5.x, from bench/peers), for a like-for-like raw GET. */
export function loadPeerIoredis(): { Redis: PeerRedisConstructor; version: string } {
  const req = peerRequire();
  const mod = req("ioredis") as { Redis: PeerRedisConstructor };
  const version = (req("ioredis/package.json") as { version: string }).version;
  return { Redis: mod.Redis, version };
}
