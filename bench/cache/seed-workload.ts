import type Redis from "ioredis";
import { decodeValue } from "../../lib/cache/codec";
import { cacheKeys } from "../../lib/cache/namespaces";
import { Zipf } from "../lib/load";
import { docSummaryRecord, jobStatusRecord, userRecord } from "./records";
import { sleep } from "./shared";

/**
 * Scenario 2's workload: a Zipf read mix over users, job statuses and document
 * summaries with 2 % invalidating writes, on a simulated database (5 ms a query).
 */

export const DB_LATENCY_MS = 5;
export const LOOPS = 50;
export const ZIPF_S = 1.1;
export const IDS = { user: 10_000, job_status: 2_000, doc_summary: 20_000 } as const;
/**
 * Which reads a request makes: every API call authenticates its user
 * (get_current_user), clients poll job statuses, fewer open a summary.
 */
export const READ_MIX = { user: 0.4, job_status: 0.35, doc_summary: 0.25 } as const;
/** Requests that update a user or a job status (half each) and invalidate its key. */
export const WRITE_SHARE = 0.02;

export type Kind = keyof typeof IDS;
export const KINDS = Object.keys(IDS) as Kind[];

export function keyOf(kind: Kind, id: number): string {
  if (kind === "user") return cacheKeys.user(id);
  if (kind === "job_status") return cacheKeys.jobStatus(`job-${id}`);
  return cacheKeys.docSummary(id);
}

export type Updatable = "user" | "job_status";

/**
 * The backing store: every query costs DB_LATENCY_MS (a timer) and is counted.
 * Users and job statuses carry a version that each write bumps when it commits
 * (at the end of its query); a read returns the version current when it
 * started (its snapshot), as an MVCC database would.
 */
export class SimulatedDb {
  reads = 0;
  writes = 0;
  readonly readsBy: Record<Kind, number> = { user: 0, job_status: 0, doc_summary: 0 };
  readonly versions: Record<Updatable, Map<number, number>> = {
    user: new Map(),
    job_status: new Map(),
  };

  async read(kind: Kind, id: number): Promise<unknown> {
    this.reads++;
    this.readsBy[kind]++;
    const version = kind === "doc_summary" ? 0 : (this.versions[kind].get(id) ?? 0);
    await sleep(DB_LATENCY_MS);
    if (kind === "user") return userRecord(id, version);
    if (kind === "job_status") return jobStatusRecord(id, version);
    return docSummaryRecord(id);
  }

  async write(kind: Updatable, id: number): Promise<void> {
    this.writes++;
    await sleep(DB_LATENCY_MS);
    this.versions[kind].set(id, (this.versions[kind].get(id) ?? 0) + 1);
  }
}

/**
 * Cached users and job statuses older than the database's version after a run:
 * a read that took its snapshot before a write and stored it after the write's
 * invalidation (cache-aside's race). They stay until their TTL ends.
 */
export async function staleEntries(
  redis: Redis,
  db: SimulatedDb,
): Promise<Record<Updatable, number>> {
  const out: Record<Updatable, number> = { user: 0, job_status: 0 };
  for (const kind of ["user", "job_status"] as const) {
    const ids = [...db.versions[kind].keys()];
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      const values = await redis.mgetBuffer(...batch.map((id) => keyOf(kind, id)));
      values.forEach((buf, i) => {
        if (!buf) return;
        const cached = decodeValue(buf) as { version: number };
        if (cached.version < db.versions[kind].get(batch[i]!)!) out[kind]++;
      });
    }
  }
  return out;
}

export const ZIPFS: Record<Kind, Zipf> = {
  user: new Zipf(IDS.user, ZIPF_S),
  job_status: new Zipf(IDS.job_status, ZIPF_S),
  doc_summary: new Zipf(IDS.doc_summary, ZIPF_S),
};
