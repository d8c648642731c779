import { runScript } from "../redis/scripts";
import { sleep, type EngineContext } from "../queues/context";
import { VERSION } from "../version";
import type { MigrationResult } from "./migration";
import { migrationTo, versionsAfter } from "./migrations";
import { readSchema, schemaKey, SCHEMA_VERSION } from "./version";

export type MigrateLog = (
  level: "info" | "warn" | "error",
  msg: string,
  fields: Record<string, unknown>,
) => void;

export interface MigrateOptions {
  /** This worker instance: the lock's holder while it migrates. */
  owner: string;
  dryRun?: boolean;
  log: MigrateLog;
  /** How long the lock lasts unless renewed (renewed every third of it). */
  leaseMs?: number;
  /** How often a waiting worker looks again. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface MigrationReport {
  version: number;
  name: string;
  summary: string;
  /** It started from a crashed run's progress. */
  resumed: boolean;
  result: MigrationResult;
}

export interface MigrateOutcome {
  /** The schema found, and the one the state is at now (in a dry run, would be). */
  from: number;
  to: number;
  ran: MigrationReport[];
  /** Another worker held the lock and migrated while this one waited. */
  waitedFor?: string;
}

export const LEASE_MS = 10_000;

/**
 * Brings the stored state to this release's schema (SCHEMA_VERSION): one
 * worker migrates under the schema hash's lock, the others wait, logging who
 * migrates, until the version is reached (or the holder dies and its lease
 * ends, when one of them takes over and resumes from the saved progress). A
 * state at a newer schema than this release knows is left alone, with a
 * warning: this is an older release running beside (or rolled back from) a
 * newer one, and it reads what it knows and ignores the rest.
 */
export async function migrate(
  ctx: EngineContext,
  options: MigrateOptions,
): Promise<MigrateOutcome> {
  const found = await readSchema(ctx.redis, ctx.config);
  if (found.version > SCHEMA_VERSION) {
    options.log("warn", "stored state is newer than this release", {
      schema: found.version,
      knows: SCHEMA_VERSION,
      release: VERSION,
    });
    return { from: found.version, to: found.version, ran: [] };
  }
  if (found.version === SCHEMA_VERSION) return { from: found.version, to: found.version, ran: [] };
  if (options.dryRun) return dryRun(ctx, found.version, found.progress);
  const waitedFor = await takeLock(ctx, options, found.version);
  if (waitedFor !== undefined)
    return { from: found.version, to: SCHEMA_VERSION, ran: [], waitedFor };
  return withLease(ctx, options, () => migrateLocked(ctx, options));
}

async function dryRun(
  ctx: EngineContext,
  from: number,
  progress: Map<number, string>,
): Promise<MigrateOutcome> {
  const ran: MigrationReport[] = [];
  for (const version of versionsAfter(from)) {
    const m = migrationTo(version);
    if (!m) continue;
    const resumeFrom = progress.get(version) ?? null;
    const save = () => Promise.reject(new Error("a dry run saves nothing"));
    const result = await m.run({ ctx, dryRun: true, resumeFrom, save });
    ran.push({ version, name: m.name, summary: m.summary, resumed: resumeFrom !== null, result });
  }
  return { from, to: SCHEMA_VERSION, ran };
}

/**
 * Takes the lock, or waits while another worker holds it. Returns undefined
 * once this worker holds it, or the holder's name when the holder reached the
 * version meanwhile.
 */
async function takeLock(
  ctx: EngineContext,
  options: MigrateOptions,
  from: number,
): Promise<string | undefined> {
  let lastSaid = 0;
  for (;;) {
    const [got, holder] = (await step(
      ctx,
      "acquire",
      options.owner,
      options.leaseMs ?? LEASE_MS,
    )) as [number, string];
    if (Number(got) === 1) return undefined;
    if (Date.now() - lastSaid >= 30_000) {
      options.log("info", "waiting for another worker to migrate the stored state", {
        holder,
        from,
        to: SCHEMA_VERSION,
      });
      lastSaid = Date.now();
    }
    await sleep(options.pollMs ?? 1_000, options.signal);
    if (options.signal?.aborted) throw new Error("stopped while waiting for the migration");
    if ((await readSchema(ctx.redis, ctx.config)).version >= SCHEMA_VERSION) return holder;
  }
}

/** Runs `work` while renewing the lock; fails the next save once the lock is lost. */
async function withLease<T>(
  ctx: EngineContext,
  options: MigrateOptions,
  work: () => Promise<T>,
): Promise<T> {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const timer = setInterval(() => {
    void step(ctx, "renew", options.owner, leaseMs).catch(() => undefined);
  }, leaseMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await step(ctx, "release", options.owner).catch(() => undefined);
  }
}

async function migrateLocked(ctx: EngineContext, options: MigrateOptions): Promise<MigrateOutcome> {
  // Read again under the lock: another worker may have finished, or left progress.
  const state = await readSchema(ctx.redis, ctx.config);
  const ran: MigrationReport[] = [];
  for (const version of versionsAfter(state.version)) {
    const m = migrationTo(version);
    if (m) {
      const resumeFrom = state.progress.get(version) ?? null;
      const fields = { migration: version, name: m.name, summary: m.summary, resumeFrom };
      options.log("info", resumeFrom ? "resuming migration" : "running migration", fields);
      const save = async (progress: string) => {
        if (Number(await step(ctx, "progress", options.owner, version, progress)) !== 1) {
          throw new Error(`migration ${version}: the lock was lost to another worker`);
        }
      };
      const result = await m.run({ ctx, dryRun: false, resumeFrom, save });
      ran.push({ version, name: m.name, summary: m.summary, resumed: resumeFrom !== null, result });
      options.log("info", "migration done", { migration: version, name: m.name, ...result });
    }
    if (
      Number(await step(ctx, "done", options.owner, version, VERSION, `progress:${version}`)) !== 1
    ) {
      throw new Error(`schema ${version}: the lock was lost to another worker`);
    }
  }
  return { from: state.version, to: SCHEMA_VERSION, ran };
}

function step(ctx: EngineContext, name: string, owner: string, ...args: (string | number)[]) {
  return runScript(ctx.redis, "schemaStep", [schemaKey(ctx.config)], [name, owner, ...args]);
}

/**
 * Looks at the schema every `everyMs` and migrates when the state is behind:
 * a Redis restarted without its data, or restored from an older backup, has
 * lost the schema hash or holds an older one while the workers keep running.
 */
export async function keepMigrated(
  ctx: EngineContext,
  options: MigrateOptions & { signal: AbortSignal },
  everyMs = 30_000,
): Promise<void> {
  for (;;) {
    await sleep(everyMs, options.signal);
    if (options.signal.aborted) return;
    try {
      if ((await readSchema(ctx.redis, ctx.config)).version < SCHEMA_VERSION) {
        await migrate(ctx, options);
      }
    } catch (error) {
      if (!options.signal.aborted) {
        options.log("warn", "stored state schema not checked", { error: String(error) });
      }
    }
  }
}
