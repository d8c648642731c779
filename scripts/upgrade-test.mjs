#!/usr/bin/env node
/**
 * The rolling-upgrade test: the previous release (the tag v0.1.0, which ran
 * from a checkout) and this version (as a release folder) side by side on one
 * Redis under live traffic, in the order an upgrade happens. Run it with
 * `node scripts/upgrade-test.mjs [--capture]` (npm run test:upgrade); it ends
 * with one line, `N passed, N failed`, and exits 1 when a check failed.
 *
 *   1. builds the old version from its tag in a temporary git worktree (npm ci,
 *      next build), cached in node_modules/.cache/redrive-upgrade/<sha>, and the
 *      new release folder (next build, npm run release), cached by a hash of its
 *      sources; tests/upgrade/build.mjs
 *   2. starts redis-server (free loopback port, no persistence), a producer of
 *      messages with unique job ids, a Python-protocol consumer (document) and
 *      each version's own Processor as consumers (audio, video)
 *   3. phase old: 0.1.0 dashboard and worker (~20 s); an admin requeues,
 *      deletes, selects, marks reviewed and runs a requeue-all through it;
 *      then the state is captured (--capture writes tests/fixtures/state/)
 *   4. phase mixed: the new dashboard beside the 0.1.0 worker (~60 s): the admin
 *      acts on entries 0.1.0 wrote and reads what it left; a requeue-all for the
 *      0.1.0 worker to run
 *   5. phase new: the 0.1.0 worker stopped (SIGTERM), the new worker started
 *      (it migrates at start), a 0.1.0 dashboard again (~60 s): the same from
 *      the other side, on entries the new processes wrote
 *   6. settles (producer stopped, queues drained) and checks: every message
 *      exactly once, requeued bytes identical, no API answer of 500 or more, no
 *      crash or error line, every cross-version read (tests/upgrade/checks.mjs)
 *
 * Environment:
 *   UPGRADE_NEW=here|worktree  what "new" is: the working tree as it is now,
 *                              uncommitted changes included (here, the default),
 *                              or the committed HEAD in a temporary git worktree
 *   UPGRADE_OLD_TAG            the previous release's tag (v0.1.0)
 *   UPGRADE_PHASE_SECONDS      the phases' lengths, "20,60,60"
 *   UPGRADE_KEY_STYLE=hashtag  queue keys with Cluster hash tags ({audio}_dlq) instead of plain ones
 *   UPGRADE_KEEP=1             keep the run folder (logs, the capture) even on success
 *
 * The worktrees are removed afterwards (git worktree remove --force); nothing
 * is written to the working tree but the fixture, and only with --capture.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcrypt";
import Redis from "ioredis";
import { captureState, writeCapture } from "./capture-state.mjs";
import { buildNew, buildOld, ROOT } from "../tests/upgrade/build.mjs";
import { PhaseLog } from "../tests/upgrade/admin.mjs";
import { checkCalls, checkMessages, checkProcesses, keyChanges } from "../tests/upgrade/checks.mjs";
import { phaseMixed, phaseNew, phaseOld, PASSWORD } from "../tests/upgrade/phases.mjs";
import { startRedis, stopProcess, until } from "../tests/upgrade/procs.mjs";
import { startPythonConsumer } from "../tests/upgrade/python-consumer.mjs";
import { printReport } from "../tests/upgrade/report.mjs";
import { KEY_STYLE, queueKeys } from "../tests/upgrade/keys.mjs";
import { makeStack, SETTINGS } from "../tests/upgrade/stack.mjs";
import { QUEUES, startProducer } from "../tests/upgrade/traffic.mjs";

const TAG = process.env.UPGRADE_OLD_TAG ?? "v0.1.0";
const MODE = process.env.UPGRADE_NEW ?? "here";
const [OLD_S, MIXED_S, NEW_S] = (process.env.UPGRADE_PHASE_SECONDS ?? "20,60,60")
  .split(",")
  .map(Number);
const CAPTURE = process.argv.includes("--capture");
const FIXTURE_NAME = `${TAG}-demo${KEY_STYLE === "plain" ? "" : `-${KEY_STYLE}`}.json`;
const FIXTURE = join(ROOT, "tests", "fixtures", "state", FIXTURE_NAME);
const FIXTURE_MAX_BYTES = 400 * 1024;
const MESSAGES_PER_SECOND = 12;

function context(redisUrl) {
  const recordUrl = `${redisUrl}/1`;
  const ctx = {
    queues: QUEUES,
    produced: new Map(),
    calls: [],
    procs: [],
    phases: [],
    consumers: {},
    redisUrl,
    recordUrl,
    redis: new Redis(redisUrl),
    // The harness's own records (takes, completions) live in database 1: a capture never sees them.
    record: new Redis(recordUrl),
  };
  ctx.writers = async (jobs) => (jobs.length ? ctx.record.hmget("dlqBy", ...jobs) : []);
  ctx.startTraffic = (phase) => {
    ctx.producer = startProducer({
      url: redisUrl,
      perSecond: MESSAGES_PER_SECOND,
      produced: ctx.produced,
    });
    ctx.producer.setPhase(phase);
    ctx.python = startPythonConsumer({
      url: redisUrl,
      recordUrl,
      queue: "document",
      maxRetries: Number(SETTINGS.MAX_RETRY_ATTEMPTS),
      backoffBase: Number(SETTINGS.RETRY_BACKOFF_BASE_SECONDS),
      retentionDays: 7,
    });
  };
  return ctx;
}

/** The state only 0.1.0 has written, as a fixture (into the run folder; with --capture, the repository). */
async function capture(ctx, old, runDir, p) {
  const file = join(runDir, FIXTURE_NAME);
  const from = `redrive ${TAG} (${old.sha.slice(0, 7)}), after phase "old" of scripts/upgrade-test.mjs`;
  const state = await captureState(ctx.redisUrl, { from });
  ctx.oldKeys = state.keys;
  await writeCapture(state, file);
  const size = statSync(file).size;
  p.check(
    `the state capture after phase old is at most ${FIXTURE_MAX_BYTES / 1024} KB`,
    size <= FIXTURE_MAX_BYTES,
    `${state.keys.length} keys, ${Math.round(size / 1024)} KB`,
  );
  if (CAPTURE) {
    mkdirSync(join(FIXTURE, ".."), { recursive: true });
    copyFileSync(file, FIXTURE);
    p.note(`captured ${state.keys.length} keys into ${FIXTURE.slice(ROOT.length)}`);
  }
}

/** Messages not yet settled (work, processing, retry) across the queues. */
async function unsettled(ctx) {
  let n = 0;
  for (const q of ctx.queues) {
    const k = queueKeys(q);
    n += await ctx.redis.llen(k.work);
    n += await ctx.redis.llen(k.processing);
    n += await ctx.redis.zcard(k.retry);
  }
  return n;
}

/** Requeue-all tasks still waiting or running, whichever key layout holds them. */
async function activeTasks(ctx) {
  const active = [];
  for (const key of await ctx.redis.keys("redrive:task:*")) {
    const state = await ctx.redis.hget(key, "state");
    if (["pending", "running", "cancelling"].includes(state)) active.push(`${key} ${state}`);
  }
  return active;
}

/**
 * Stops the producer, lets the messages drain (and the tasks finish, for at
 * most 30 s: a task no worker can see stays pending, which a check reports),
 * then stops every process as a deployment would.
 */
async function settle(ctx, p) {
  await ctx.producer.stop();
  let quiet = 0;
  const drained = async () => (quiet = (await unsettled(ctx)) === 0 ? quiet + 1 : 0) >= 3;
  await until(drained, "the queues to settle", 90_000, 1_000);
  const tasks = await until(
    async () => (await activeTasks(ctx)).length === 0,
    "tasks",
    30_000,
  ).then(
    () => [],
    () => activeTasks(ctx),
  );
  p.check("no requeue-all task is left pending or running", tasks.length === 0, tasks.join("; "));
  quiet = 0;
  await until(drained, "the queues to settle after the tasks", 90_000, 1_000);
  const consumers = Object.values(ctx.consumers).filter(Boolean);
  await Promise.all([...consumers.map((c) => stopProcess(c)), ctx.python.stop()]);
  const exit = await stopProcess(ctx.worker, 30_000);
  const clean = exit.code === 0 && ctx.worker.stdout.includes('"msg":"retry worker stopped"');
  p.check("the new worker stops cleanly on SIGTERM", clean, `exit ${exit.code ?? exit.signal}`);
  await stopProcess(ctx.dashboard);
}

async function runPhases(ctx, stack, old, runDir, timings) {
  const t = () => Date.now() / 1000;
  let t0 = t();
  await phaseOld(ctx, stack, OLD_S);
  await capture(ctx, old, runDir, ctx.phases[0]);
  await phaseMixed(ctx, stack, MIXED_S);
  await phaseNew(ctx, stack, NEW_S);
  timings.phases = t() - t0;
  t0 = t();
  const end = new PhaseLog("end", "settled: accounting, bytes, processes");
  ctx.phases.push(end);
  await settle(ctx, end);
  end.endedAt = t();
  timings.settle = t() - t0;
  return end;
}

/** Both versions built, a Redis, and the stack that starts their processes. */
async function prepare(timings) {
  let t0 = Date.now() / 1000;
  const old = buildOld(TAG);
  timings[`build ${TAG}${old.cached ? " (cached)" : ""}`] = Date.now() / 1000 - t0;
  t0 = Date.now() / 1000;
  const next = await buildNew(MODE);
  timings[`build new${next.cached ? " (cached)" : ""}`] = Date.now() / 1000 - t0;
  const runDir = mkdtempSync(join(tmpdir(), "redrive-upgrade-run-"));
  const logDir = join(runDir, "logs");
  mkdirSync(logDir);
  const redis = await startRedis(logDir);
  const ctx = context(redis.url);
  const hash = bcrypt.hashSync(PASSWORD, 10);
  const stack = makeStack({
    runDir,
    logDir,
    redisUrl: redis.url,
    recordUrl: ctx.recordUrl,
    old,
    next,
    users: `ops-old:admin:${hash},ops-new:admin:${hash},ops-viewer:viewer:${hash}`,
    secret: "upgrade-test-secret-0123456789",
    procs: ctx.procs,
  });
  const style = `${KEY_STYLE} queue keys`;
  console.log(
    `[upgrade] ${TAG} (${old.sha.slice(0, 7)}) -> ${next.label}, ${style}; logs in ${logDir}`,
  );
  return { old, redis, ctx, stack, runDir };
}

async function main() {
  const timings = {};
  const started = Date.now() / 1000;
  const { old, redis, ctx, stack, runDir } = await prepare(timings);
  let end = null;
  try {
    end = await runPhases(ctx, stack, old, runDir, timings);
  } catch (error) {
    end = ctx.phases.at(-1)?.name === "end" ? ctx.phases.at(-1) : new PhaseLog("end", "");
    if (!ctx.phases.includes(end)) ctx.phases.push(end);
    end.title = "the run stopped early";
    end.check("the run completes", false, error.stack ?? String(error));
  } finally {
    for (const proc of ctx.procs) await stopProcess(proc, 10_000);
    await ctx.python?.stop();
    await ctx.producer?.stop();
  }
  await checkMessages(ctx, end).catch((e) =>
    end.check("the final accounting ran", false, String(e)),
  );
  if (ctx.oldKeys) {
    const changes = await keyChanges(ctx.redis, ctx.oldKeys);
    for (const k of changes.added) end.note(`a key pattern 0.1.0 did not write: ${k}`);
    for (const k of changes.retyped) end.note(`a key whose type changed: ${k}`);
  }
  checkCalls(ctx, end);
  const formats = checkProcesses(ctx, end);
  ctx.redis.disconnect();
  ctx.record.disconnect();
  await redis.stop();
  timings.total = Date.now() / 1000 - started;
  const { passed, failed } = printReport(ctx, formats, timings);
  if (failed === 0 && process.env.UPGRADE_KEEP !== "1")
    rmSync(runDir, { recursive: true, force: true });
  else console.log(`\nrun folder kept: ${runDir}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  console.log("\n0 passed, 1 failed");
  process.exit(1);
});
