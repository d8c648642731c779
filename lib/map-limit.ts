/**
 * `fn` over every item with at most `limit` calls in flight, results in the
 * items' order. Work that shares one Redis connection goes through this rather
 * than one Promise.all: commands reach Redis in the order they are sent, so
 * with everything in flight at once each command waits behind the whole
 * batch's, where with a few at a time it waits behind a few.
 *
 * The first failure rejects the whole call and no further item is started;
 * calls already in flight run to their end (nothing here can cancel them).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`mapLimit: limit must be at least 1 (got ${limit})`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Math.min(Math.floor(limit), items.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
