/**
 * The end-of-run checks of the upgrade test, on what Redis holds once the
 * traffic has stopped and everything settled, and on what the processes
 * printed:
 *
 *  - accounting: every produced job id exactly once, completed (the consumers'
 *    `done` counts) or in a work list, processing list, retry set or DLQ;
 *  - bytes: every time a message was taken, its bytes were the producer's with
 *    only retry_count changed (so a requeued message, taken at retry_count 0,
 *    is byte for byte what the producer wrote);
 *  - processes: none exited unexpectedly or logged an error, the workers'
 *    runs had no errors, the lines about schemas, versions and formats.
 */

import { queueKeys } from "./keys.mjs";

const JOB = /"job_id": ?"([^"]+)"/;
const RETRY_COUNT = /"retry_count": ?(\d+)/;

const jobOf = (buf) => JOB.exec(buf.toString("utf8"))?.[1] ?? null;

/** Where every message is now: job id -> places ("done", "document_dlq", ...). */
export async function locate(redis, record, queues) {
  const places = new Map();
  const add = (job, place) => places.set(job, [...(places.get(job) ?? []), place]);
  const unknown = [];
  for (const q of queues) {
    const k = queueKeys(q);
    const lists = [k.work, k.processing, k.dlq];
    for (const key of lists) {
      for (const raw of await redis.lrangeBuffer(key, 0, -1)) {
        const job = jobOf(raw);
        if (job) add(job, key);
        else unknown.push(`${key}: ${raw.toString("utf8").slice(0, 80)}`);
      }
    }
    for (const raw of await redis.zrangeBuffer(k.retry, 0, -1)) add(jobOf(raw) ?? "?", k.retry);
  }
  const done = await record.hgetall("done");
  for (const [job, n] of Object.entries(done)) for (let i = 0; i < Number(n); i++) add(job, "done");
  return { places, unknown };
}

/**
 * Lost (nowhere) and duplicated (more than one place) messages, and strangers.
 * A message an admin deleted through a dashboard counts as found, once, in "deleted".
 */
export function account(produced, { places, unknown }, deleted) {
  for (const job of deleted) places.set(job, [...(places.get(job) ?? []), "deleted"]);
  const lost = [];
  const duplicated = [];
  const counts = { done: 0, deleted: 0, work: 0, processing: 0, retry: 0, dlq: 0 };
  for (const job of produced.keys()) {
    const where = places.get(job) ?? [];
    if (where.length === 0) lost.push(job);
    if (where.length > 1) duplicated.push(`${job}: ${where.join(", ")}`);
    for (const place of where) {
      const kind =
        place === "done"
          ? "done"
          : /processing$/.test(place)
            ? "processing"
            : place.split("_").at(-1);
      counts[kind === "queue" ? "work" : kind] += 1;
    }
  }
  const strangers = [...places.keys()].filter((job) => !produced.has(job));
  return { lost, duplicated, strangers: [...strangers, ...unknown], counts };
}

/** The producer's bytes with retry_count set to `n` in place, as every writer must leave them. */
function expectedAt(bytes, n) {
  return bytes
    .toString("utf8")
    .replace(RETRY_COUNT, (m, digits) => `${m.slice(0, m.length - digits.length)}${n}`);
}

/**
 * Compares every recorded take with the producer's bytes. A take at
 * retry_count 0 after the first is a message that came back from the DLQ (an
 * admin's requeue, one by one, selected or all): it must be the producer's
 * bytes exactly.
 */
export async function compareTakes(record, produced) {
  const mismatches = [];
  let takes = 0;
  let requeuedTakes = 0;
  const requeuedJobs = new Set();
  for (const [job, message] of produced) {
    const list = await record.lrangeBuffer(`takes:${job}`, 0, -1);
    list.forEach((raw, i) => {
      takes += 1;
      const text = raw.toString("utf8");
      const n = Number(RETRY_COUNT.exec(text)?.[1] ?? -1);
      if (i > 0 && n === 0) {
        requeuedTakes += 1;
        requeuedJobs.add(job);
      }
      if (text !== expectedAt(message.bytes, n)) {
        mismatches.push(
          `${job} take ${i + 1}: got ${text.slice(0, 300)} | wrote ${message.bytes.toString("utf8").slice(0, 300)}`,
        );
      }
    });
  }
  return { takes, requeuedTakes, requeuedJobs, mismatches };
}

const FORMAT_WORDS =
  /schema|migrat|version|format|unknown|unsupported|unexpected|invalid|cannot parse|not json|undo/i;
const ERROR_TEXT =
  /uncaught|unhandled|TypeError|ReferenceError|SyntaxError|RangeError|\bError:|ERR |WRONGTYPE|NOSCRIPT/;

function parseLine(line) {
  if (!line.startsWith("{")) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/**
 * A process's output read for trouble: error lines (JSON at level error, or
 * text that names an error), worker runs that report errors, and every line
 * that speaks of schemas, versions, migrations or formats (what each side said
 * about state it did not know).
 */
export function scanOutput(proc) {
  const errors = [];
  const formats = [];
  const runErrors = [];
  const lines = `${proc.stdout}\n${proc.stderr}`.split("\n").filter(Boolean);
  for (const line of lines) {
    const json = parseLine(line);
    if (json?.msg === "retry worker run" && Array.isArray(json.errors) && json.errors.length > 0) {
      runErrors.push(JSON.stringify(json.errors).slice(0, 400));
    }
    const level = json?.level;
    const isError = json ? level === "error" || level === "fatal" : ERROR_TEXT.test(line);
    if (isError) errors.push(line.slice(0, 500));
    // Info lines name versions all the time: only warnings, errors and plain text count,
    // and every line about schemas or migrations.
    const loud = json ? ["warn", "error", "fatal"].includes(level) : true;
    if (/schema|migrat/i.test(line) || (loud && FORMAT_WORDS.test(line))) {
      formats.push(line.slice(0, 300));
    }
  }
  return { errors, formats: [...new Set(formats)], runErrors };
}

/** How a process ended: crashed (exited while nobody stopped it), or its exit code when stopped. */
export function exitOf(proc) {
  if (!proc.exit) return { crashed: false, text: "running" };
  const how = proc.exit.signal ? `signal ${proc.exit.signal}` : `exit ${proc.exit.code}`;
  return {
    crashed: !proc.exit.expected,
    killed: Boolean(proc.killedAfterGrace),
    text: `${proc.exit.expected ? "stopped" : "CRASHED"}: ${how}${proc.killedAfterGrace ? " (SIGKILL after the grace period)" : ""}`,
  };
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const short = (xs, n = 3) =>
  xs.length ? `: ${xs.slice(0, n).join(" | ")}${xs.length > n ? " ..." : ""}` : "";

/** Accounting and bytes, from Redis once everything settled. */
export async function checkMessages(ctx, p) {
  const deleted = ctx.phases.flatMap((ph) => ph.deleted);
  const acc = account(ctx.produced, await locate(ctx.redis, ctx.record, ctx.queues), deleted);
  const c = acc.counts;
  p.check(
    "every produced message is found exactly once: completed, or in work, processing, retry or DLQ",
    acc.lost.length + acc.duplicated.length + acc.strangers.length === 0,
    `${ctx.produced.size} produced; done ${c.done}, deleted by an admin ${c.deleted}, DLQ ${c.dlq}, work ${c.work}, processing ${c.processing}, retry ${c.retry}; ` +
      `lost ${acc.lost.length}${short(acc.lost)}; duplicated ${acc.duplicated.length}${short(acc.duplicated)}; unknown ${acc.strangers.length}${short(acc.strangers)}`,
  );
  p.check(
    "nothing is left in work, processing or retry once settled",
    c.work + c.processing + c.retry === 0,
  );
  const takes = await compareTakes(ctx.record, ctx.produced);
  p.check(
    "every take was the producer's bytes with only retry_count changed",
    takes.mismatches.length === 0,
    `${takes.takes} takes${short(takes.mismatches, 2)}`,
  );
  p.check(
    "requeued messages came back byte-identical, retry_count 0",
    takes.requeuedTakes > 0 && takes.mismatches.length === 0,
    `${takes.requeuedTakes} takes of ${takes.requeuedJobs.size} messages after a requeue (one by one, selected or all)`,
  );
  const byAdmin = ctx.phases.flatMap((ph) => ph.requeued);
  const missing = byAdmin.filter((job) => !takes.requeuedJobs.has(job));
  p.check(
    "every message an admin requeued one by one or selected was taken again",
    byAdmin.length > 0 && missing.length === 0,
    `${byAdmin.length} requeued through the dashboards${short(missing)}`,
  );
}

/** One check per phase and dashboard: no answer of 500 or more, no request without an answer. */
export function checkCalls(ctx, p) {
  const groups = new Map();
  for (const call of ctx.calls) {
    const key = `${call.phase}|${call.version}`;
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  for (const [key, calls] of groups) {
    const [phase, version] = key.split("|");
    const bad = calls.filter((c) => c.status === 0 || c.status >= 500);
    const slowest = Math.max(...calls.map((c) => c.ms));
    const statuses = [...new Set(calls.map((c) => c.status))].sort().join(",");
    p.check(
      `phase ${phase}: every call to the ${version} dashboard answered below 500`,
      bad.length === 0,
      `${calls.length} calls, statuses ${statuses}, slowest ${Math.round(slowest)} ms${short(bad.map((c) => `${c.method} ${c.path} ${c.status} ${c.note}`))}`,
    );
  }
}

/** Crashes, error lines and failed worker runs of every process; what each said about formats. */
export function checkProcesses(ctx, p) {
  const formats = {};
  for (const proc of ctx.procs) {
    const exit = exitOf(proc);
    const out = scanOutput(proc);
    p.check(`${proc.name} did not crash`, !exit.crashed, exit.text);
    p.check(
      `${proc.name} logged no error`,
      out.errors.length === 0,
      `${out.errors.length}${short(out.errors, 2)}`,
    );
    if (proc.role.endsWith("worker")) {
      const runs = out.runErrors;
      p.check(
        `${proc.name}'s runs reported no errors`,
        runs.length === 0,
        `${runs.length}${short(runs, 2)}`,
      );
    }
    if (out.formats.length) formats[proc.name] = out.formats;
  }
  const py = ctx.python;
  p.check(
    "the Python-protocol consumer had no errors",
    py.errors.length === 0,
    `${sum(Object.values(py.tally))} takes${short(py.errors)}`,
  );
  return formats;
}

/** A key's shape: the run's job ids, queue names, numbers and random ids named, not spelled. */
const pattern = (key) =>
  key
    .replace(/up-(?:old|mixed|new)-[a-z]+-\d+/g, "<job>")
    .replace(/document|audio|video/g, "<q>")
    .replace(/[\w-]{16,}/g, "<id>")
    .replace(/\d+/g, "#");

/**
 * What the key space looks like now against the capture after phase old: key
 * patterns that appeared (the new version's own keys, with the value of a
 * small one) and keys whose type changed.
 */
export async function keyChanges(redis, before) {
  const was = new Map(before.map((k) => [k.key, k.type]));
  const oldPatterns = new Set(before.map((k) => pattern(String(k.key))));
  const added = new Map();
  const retyped = [];
  for await (const batch of redis.scanStream({ count: 1000 })) {
    for (const key of batch) {
      const type = await redis.type(key);
      if (was.has(key) && was.get(key) !== type) retyped.push(`${key}: ${was.get(key)} -> ${type}`);
      if (oldPatterns.has(pattern(key)) || added.has(pattern(key))) continue;
      const value =
        type === "string"
          ? await redis.get(key)
          : type === "hash"
            ? JSON.stringify(await redis.hgetall(key))
            : "";
      const ttl = await redis.pttl(key);
      const shown = value ? ` = ${value.slice(0, 160)}` : "";
      added.set(
        pattern(key),
        `${pattern(key)} (${type}, ttl ${ttl < 0 ? "none" : `${ttl} ms`})${shown}`,
      );
    }
  }
  return { added: [...added.values()].sort(), retyped };
}
