/** The "what do these numbers mean" notes, collapsed by default. */
export function CacheHelp() {
  return (
    <details className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <summary className="cursor-pointer font-medium focus-visible:outline-2 focus-visible:outline-blue-600">
        What the hit rates and sizes mean
      </summary>
      <dl className="mt-3 grid gap-x-6 gap-y-3 text-zinc-700 sm:grid-cols-2 dark:text-zinc-300">
        <div>
          <dt className="font-medium text-zinc-900 dark:text-zinc-100">Hit rate (server)</dt>
          <dd>
            Share of key lookups that found a key, over the time since this dashboard last looked
            (Redis INFO keyspace hits and misses). It covers every client of this Redis, not only
            the cache. The lifetime figure beside it is since Redis started and changes slowly.
          </dd>
        </div>
        <div>
          <dt className="font-medium text-zinc-900 dark:text-zinc-100">Hit rate (namespace)</dt>
          <dd>
            Counted by the applications&apos; caches themselves (redrive:cache:stats) since the
            counters were created: a hit is a value served from Redis, a miss one that had to be
            loaded. Low rates mean short TTLs, keys cleared too often, or data read only once.
          </dd>
        </div>
        <div>
          <dt className="font-medium text-zinc-900 dark:text-zinc-100">Keys and memory</dt>
          <dd>
            Estimated from a SCAN of up to 10,000 keys with MEMORY USAGE, scaled up to the whole
            database; exact when the sample covered every key. Reading them never counts as a hit or
            miss.
          </dd>
        </div>
        <div>
          <dt className="font-medium text-zinc-900 dark:text-zinc-100">Evictions</dt>
          <dd>
            Keys Redis dropped to stay under max memory. Any steady rate means the cache is too
            small for its data; with the noeviction policy, writes fail instead.
          </dd>
        </div>
      </dl>
    </details>
  );
}
