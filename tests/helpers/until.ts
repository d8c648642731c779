/**
 * Polls `probe` every `everyMs` until it gives a value other than null or
 * false, and returns that value; throws `what` after `timeoutMs`. A probe
 * that throws counts as not yet (a server still starting, a client
 * following a failover).
 */
export async function until<T>(
  probe: () => Promise<T | null | false>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
