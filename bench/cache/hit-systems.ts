import Redis from "ioredis";
import { RedisCache } from "../../lib/cache/cache";
import { cacheKeys } from "../../lib/cache/namespaces";
import {
  loadBentocache,
  loadPeerIoredis,
  type BentoCacheInstance,
  type PeerRedis,
  type PeerRedisOptions,
} from "../lib/bentocache";
import { check } from "../lib/check";
import type { BenchServer } from "../lib/server";
import { userRecord } from "./records";
import { cacheClientOptions, ready } from "./shared";

/** Scenario 1's keys: user:1 … user:HIT_KEYS, written before any system reads them. */
export const HIT_KEYS = 10_000;

export const hitKeys = () => Array.from({ length: HIT_KEYS }, (_, i) => cacheKeys.user(i + 1));

/** One way of reading a cached user, as scenario 1 times it. */
export interface HitSystem {
  id: string;
  label: string;
  get(key: string): Promise<unknown>;
  /** Calls of the loader / factory, which a hit must never make. */
  loaderCalls(): number;
  /** Redrive only: the guard's error, timeout and skip counts. */
  health?(): ReturnType<RedisCache["health"]>;
  close(): Promise<void>;
}

type ClientOptions = ReturnType<typeof cacheClientOptions>;

/** Plain GETs on Redrive's ioredis: with RedisCache's client options, and with the defaults. */
async function rawSystems(b: BenchServer, sameOptions: ClientOptions): Promise<HitSystem[]> {
  const rawSame = new Redis(b.url, sameOptions);
  rawSame.on("error", () => undefined);
  await ready(rawSame);
  const rawDefault = new Redis(b.url);
  await ready(rawDefault);
  return [
    {
      id: "rawGet",
      label: "raw ioredis GET (RedisCache's client options)",
      get: (key) => rawSame.get(key),
      loaderCalls: () => 0,
      close: async () => rawSame.disconnect(),
    },
    {
      id: "rawGetDefaults",
      label: "raw ioredis GET (ioredis defaults)",
      get: (key) => rawDefault.get(key),
      loaderCalls: () => 0,
      close: async () => rawDefault.disconnect(),
    },
  ];
}

function redriveSystem(cache: RedisCache): HitSystem {
  let loads = 0;
  return {
    id: "redrive",
    label: "Redrive cache.getOrSet",
    get: (key) =>
      cache.getOrSet(key, () => {
        loads++;
        return Promise.resolve(userRecord(0));
      }),
    loaderCalls: () => loads,
    health: () => cache.health(),
    close: async () => {
      await cache.close();
      cache.redis.disconnect();
    },
  };
}

/** A bentocache with only its Redis tier (no useL1Layer(): no in-memory tier answers hits). */
function l2Only(connection: PeerRedis | { host: string; port: number }): BentoCacheInstance {
  const bento = loadBentocache();
  return new bento.BentoCache({
    default: "redis",
    stores: { redis: bento.bentostore().useL2Layer(bento.redisDriver({ connection })) },
  });
}

/**
 * bentocache on the peer's ioredis with RedisCache's options, and with the
 * defaults; it writes the values itself (untimed), in its own format.
 */
async function bentoSystems(
  b: BenchServer,
  peerOptions: PeerRedisOptions,
  notes: string[],
): Promise<HitSystem[]> {
  const bentoClient: PeerRedis = new (loadPeerIoredis().Redis)(peerOptions);
  await ready(bentoClient);
  let loads = 0;
  const factory = (key: string) => () => {
    loads++;
    return userRecord(Number(key.slice("user:".length)));
  };
  const same = l2Only(bentoClient);
  const defaults = l2Only({ host: b.host, port: b.port });
  const keys = hitKeys();
  for (let start = 0; start < keys.length; start += 500) {
    await Promise.all(
      keys
        .slice(start, start + 500)
        .map((key) => same.getOrSet({ key, factory: factory(key), ttl: "1h" })),
    );
  }
  check(loads === HIT_KEYS, `bentocache populated ${loads} of ${HIT_KEYS} keys`);
  const populated = loads;
  notes.push(`bentocache populated its ${populated} keys itself (factory calls, untimed)`);
  // One read through the defaults instance before timing, so its lazy connection is up.
  await defaults.getOrSet({ key: keys[0]!, factory: factory(keys[0]!), ttl: "1h" });
  check(loads === populated, "bentocache (defaults) reads the values the other wrote");
  return [
    {
      id: "bentocache",
      label: "bentocache getOrSet, L2 (Redis) only, same client options",
      get: (key) => same.getOrSet({ key, factory: factory(key), ttl: "1h" }),
      loaderCalls: () => loads - populated,
      close: async () => {
        await same.disconnectAll();
        bentoClient.disconnect();
      },
    },
    {
      id: "bentocacheDefaults",
      label: "bentocache getOrSet, L2 (Redis) only, ioredis defaults",
      get: (key) => defaults.getOrSet({ key, factory: factory(key), ttl: "1h" }),
      loaderCalls: () => loads - populated,
      close: () => defaults.disconnectAll(),
    },
  ];
}

/** A plain GET on bentocache's own ioredis (the peer's major version). */
async function rawPeerSystem(peerOptions: PeerRedisOptions): Promise<HitSystem> {
  const peer = loadPeerIoredis();
  const rawPeer: PeerRedis = new peer.Redis(peerOptions);
  await ready(rawPeer);
  return {
    id: "rawGetIoredis5",
    label: `raw ioredis ${peer.version} GET (bentocache's client), same client options`,
    get: (key) => rawPeer.get(key),
    loaderCalls: () => 0,
    close: async () => rawPeer.disconnect(),
  };
}

/** Every system scenario 1 compares, connected and ready, and notes on how they were set up. */
export async function hitSystems(
  b: BenchServer,
): Promise<{ systems: HitSystem[]; notes: string[] }> {
  const cache = RedisCache.connect(b.url, b.config);
  // connect() returns at once and the client has no offline queue: a call made
  // before the connection is ready fails and opens the guard's breaker.
  await ready(cache.redis);
  const sameOptions = cacheClientOptions(cache);
  const notes = [
    `"same client options" = RedisCache.connect's: enableAutoPipelining ${sameOptions.enableAutoPipelining}, ` +
      `enableOfflineQueue ${sameOptions.enableOfflineQueue}, maxRetriesPerRequest ${sameOptions.maxRetriesPerRequest}`,
  ];
  const peerOptions: PeerRedisOptions = { host: b.host, port: b.port, ...sameOptions };
  const systems = [
    ...(await rawSystems(b, sameOptions)),
    redriveSystem(cache),
    ...(await bentoSystems(b, peerOptions, notes)),
    await rawPeerSystem(peerOptions),
  ];
  return { systems, notes };
}
