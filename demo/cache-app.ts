import type { RedisCache } from "../lib/cache/cache";
import { cacheKeys } from "../lib/cache/namespaces";
import { logNormal, pick, poisson, randomInt, sleep, weighted, Zipf } from "./random";
import type { RecentJobs, Tally } from "./tally";
import { paragraph, searchQuery, sentence } from "./text";

/**
 * The application beside the pipelines: its API reads users, document
 * summaries, search results, job statuses and graphs through
 * RedisCache.getOrSet, with Zipf-distributed keys (a few hot, a long tail),
 * loaders as slow as the databases behind them, and invalidations when data
 * changes. Hit rates settle in the 80–95 % range within a minute or two and dip
 * when the search index is rebuilt.
 */
const TICK_MS = 100;
/** Reads per second at the wave's middle. */
const READS_PER_SECOND = 50;
/** Reads in flight above which a tick skips (a stalled Redis must not pile up work). */
const MAX_IN_FLIGHT = 300;

/**
 * Exponents tuned (by simulating the reads against the TTLs) for about 80 % hits
 * after a minute and 90 % after a few: the head of each distribution is
 * cached quickly, the tail keeps missing.
 */
const users = new Zipf(5000, 1.3);
const docs = new Zipf(8000, 1.25);
const queries = new Zipf(2000, 1.3);
/** Knowledge bases searched: each query belongs to one, so a query is one key. */
const BASES = 30;
const graphs = new Zipf(300, 1.2);
const managers = new Zipf(40, 1);
/** Clients poll the status of the jobs they just submitted far more than older ones. */
const recency = new Zipf(500, 1.3);

/** A loader: waits as long as the backing store would, then returns a value. */
async function load<T>(medianMs: number, value: () => T): Promise<T> {
  await sleep(logNormal(medianMs, 0.6));
  return value();
}

type Read = (cache: RedisCache, recent: RecentJobs) => Promise<unknown> | null;

const readUser: Read = (cache) => {
  const id = 10_000 + users.next();
  return cache.getOrSet(cacheKeys.user(id), () =>
    load(8, () => ({
      id,
      email: `user${id}@example.com`,
      name: `User ${id}`,
      role: pick(["analyst", "analyst", "manager", "admin"]),
      org_id: 100 + (id % 37),
    })),
  );
};

const readSummary: Read = (cache) => {
  const id = docs.next();
  return cache.getOrSet(cacheKeys.docSummary(id), () =>
    load(60, () => ({
      doc_id: id,
      title: sentence(3, 7).slice(0, -1),
      summary: paragraph(randomInt(3, 12)),
      pages: randomInt(1, 80),
    })),
  );
};

const readSearch: Read = (cache) => {
  const n = queries.next();
  const query = searchQuery(n);
  const base = `kb-${(n * 7) % BASES}`;
  return cache.getOrSet(cacheKeys.vectorSearch(query, base), () =>
    load(150, () => ({
      query,
      results: Array.from({ length: 10 }, (_, i) => ({
        doc_id: randomInt(1, 8000),
        score: Number((0.92 - i * 0.04 - Math.random() * 0.02).toFixed(3)),
        snippet: sentence(),
      })),
    })),
  );
};

const readJobStatus: Read = (cache, recent) => {
  const jobId = recent.ago(recency.next() - 1);
  if (!jobId) return null;
  return cache.getOrSet(cacheKeys.jobStatus(jobId), () =>
    load(3, () => ({ job_id: jobId, status: "processing", progress: randomInt(0, 99) })),
  );
};

const readGraph: Read = (cache) => {
  const n = graphs.next();
  const docIds = Array.from({ length: 1 + (n % 6) }, (_, i) => n * 10 + i);
  return cache.getOrSet(cacheKeys.graph(`kg-${n}`, docIds), () =>
    load(120, () => ({ nodes: randomInt(50, 900), edges: randomInt(100, 4000), doc_ids: docIds })),
  );
};

const readUserList: Read = (cache) => {
  const key = Math.random() < 0.3 ? cacheKeys.managers() : cacheKeys.analysts(managers.next());
  return cache.getOrSet(key, () =>
    load(25, () => Array.from({ length: randomInt(3, 25) }, () => 10_000 + randomInt(1, 5000))),
  );
};

/** What a request of the app reads, as often as each kind of page is viewed. */
const READS: readonly (readonly [number, Read])[] = [
  [35, readUser],
  [20, readSummary],
  [15, readSearch],
  [6, readJobStatus],
  [8, readGraph],
  [10, readUserList],
];

export interface CacheAppDeps {
  cache: RedisCache;
  recent: RecentJobs;
  tally: Tally;
  /** The traffic wave (0.6–1.4), so that the app is busy when the pipelines are. */
  load: () => number;
  onError: (error: unknown) => void;
}

async function readOnce(deps: CacheAppDeps): Promise<void> {
  const pending = weighted(READS)(deps.cache, deps.recent);
  if (!pending) return;
  deps.tally.cache.reads++;
  await pending;
}

/** Starts the app's reads; the returned function stops them. */
export function startCacheApp(deps: CacheAppDeps): () => void {
  let inFlight = 0;
  const timer = setInterval(() => {
    const n = poisson((READS_PER_SECOND * deps.load() * TICK_MS) / 1000);
    for (let i = 0; i < n && inFlight < MAX_IN_FLIGHT; i++) {
      inFlight++;
      readOnce(deps)
        .catch(deps.onError)
        .finally(() => inFlight--);
    }
  }, TICK_MS);
  return () => clearInterval(timer);
}

/** A user edited their profile: their cached record goes. */
export async function userChanged(deps: CacheAppDeps): Promise<void> {
  deps.tally.cache.invalidations += await deps.cache.delete(cacheKeys.user(10_000 + users.next()));
}

/** A job finished: its cached status is stale. */
export async function jobChanged(deps: CacheAppDeps, jobId: string): Promise<void> {
  deps.tally.cache.invalidations += await deps.cache.delete(cacheKeys.jobStatus(jobId));
}

/** The search index was rebuilt: every cached search result goes. Returns how many. */
export async function searchIndexRebuilt(deps: CacheAppDeps): Promise<number> {
  const n = await deps.cache.deletePattern("vector:search:*");
  deps.tally.cache.invalidations += n;
  return n;
}
