import type { AppFixture } from "./app";

/**
 * What the failover tests share (tests/api/sentinel-failover.test.ts,
 * tests/cluster/failover.test.ts): dead letters j0..j(n-1), one-message
 * requeues of the oldest that are sent again while the dashboard follows the
 * new master, and a count of every id afterwards.
 */

/** A Python-written dead letter of job j<i>. */
export const deadLetter = (i: number) =>
  JSON.stringify({ id: `j${i}`, job_id: `j${i}`, retry_count: 3, error: "x" });

/** What the admin was told of one requeue: its status and whether the replicas confirmed it. */
export interface Told {
  status: number;
  confirmed: boolean;
}

/**
 * Requeues j<id>, the oldest entry, at the index `oldestIndex` gives (null:
 * not known yet). A 503, or no index, while the dashboard follows the new
 * master: sent again with the same idempotency key, up to `attempts` times.
 */
export async function requeueOldest(
  app: AppFixture,
  cookie: string,
  id: number,
  oldestIndex: () => Promise<number | null>,
  attempts: number,
): Promise<Told> {
  const init = {
    cookie,
    method: "POST",
    body: JSON.stringify({ identity: `id:j${id}` }),
    headers: { "idempotency-key": `failover-${id}` },
  };
  for (let attempt = 0; ; attempt++) {
    const index = await oldestIndex();
    const res =
      index === null ? null : await app.call(`/api/admin/dlq/document/requeue/${index}`, init);
    if ((res && res.status !== 503) || attempt > attempts) {
      return { status: res?.status ?? 0, confirmed: !res?.headers.has("redrive-replication") };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Of ids j0..j(n-1) in these entries: how many are missing, and the copies beyond the first. */
export function countIds(entries: string[], n: number): { lost: number; duplicated: number } {
  const seen = new Map<string, number>();
  for (const raw of entries) {
    const id = (JSON.parse(raw) as { job_id: string }).job_id;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const counts = Array.from({ length: n }, (_, i) => seen.get(`j${i}`) ?? 0);
  return {
    lost: counts.filter((c) => c === 0).length,
    duplicated: counts.reduce((d, c) => d + Math.max(0, c - 1), 0),
  };
}
