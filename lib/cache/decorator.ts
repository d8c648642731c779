import type { RedisCache } from "./cache";

/**
 * The Python backend's @cache_result() as a TypeScript (stage 3) method decorator:
 *
 *   class Jobs {
 *     constructor(readonly cache: RedisCache) {}
 *     @cacheResult({ cache: (self: Jobs) => self.cache, key: (id: string) => cacheKeys.jobStatus(id) })
 *     async status(id: string) { ... }
 *   }
 *
 * Without `key`, the key is `<prefix>:<arg1>:<arg2>…` (prefix defaults to the method name).
 */
export interface CacheResultOptions<This, A extends unknown[]> {
  cache: (self: This) => RedisCache;
  key?: (...args: A) => string;
  prefix?: string;
  ttl?: number;
}

export function cacheResult<This, A extends unknown[], R>(options: CacheResultOptions<This, A>) {
  return function decorate(
    method: (this: This, ...args: A) => Promise<R>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => Promise<R>>,
  ) {
    const prefix = options.prefix ?? String(context.name);
    const keyOf = options.key ?? ((...args: A) => [prefix, ...args.map(String)].join(":"));
    return function cachedMethod(this: This, ...args: A): Promise<R> {
      return options
        .cache(this)
        .getOrSet(keyOf(...args), () => method.apply(this, args), options.ttl);
    };
  };
}
