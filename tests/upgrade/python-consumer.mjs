/**
 * A consumer that follows the Python backend's protocol (docs/python-backend.md)
 * with the reliable take of lib/worker/processor.ts, for the upgrade test's
 * `document` queue: whatever version of Redrive runs beside it, the entries it
 * dead-letters are the backend's, not Redrive's (no `error` block, no
 * `redrive_undo`; the details in dlq:metadata:<job_id>:<filename>).
 *
 *   take     BLMOVE <q>_queue <q>_queue:processing RIGHT LEFT, lease touched
 *   success  LREM processing, HDEL lease
 *   retry    retry_count + 1 in place (json.dumps keeps key order and the rest
 *            of the bytes), ZADD <q>_retry <due epoch s> <member>
 *   give up  HSET + EXPIRE the metadata hash, then LPUSH <q>_dlq the message
 *            with its retry_count, in one MULTI with the LREM
 *
 * Takes and completions are recorded as consumer.ts records them; the failure
 * rules (the message's `behaviour`) are the same.
 */
import { createHash } from "node:crypto";
import Redis from "ioredis";
import { queueKeys } from "./keys.mjs";

const sha1 = (buf) => createHash("sha1").update(buf).digest("hex");

/** Python's datetime.utcnow().isoformat(): no zone, microseconds. */
function pythonUtcNow() {
  return `${new Date().toISOString().slice(0, 23)}000`;
}

/** retry_count set in place, as json.dumps of the updated dict writes it. */
export function withPythonRetryCount(text, n) {
  return text.replace(/"retry_count": \d+/, `"retry_count": ${n}`);
}

function failure(message, take, maxRetries) {
  const job = message.job_id;
  if (message.behaviour === "transient" && take === 1) {
    return { type: "TimeoutError", text: `upstream timed out after 30000 ms (job ${job})` };
  }
  if (message.behaviour === "poison" && take <= 1 + maxRetries) {
    return { type: "ValueError", text: `unsupported codec 'x-${job.slice(-2)}'` };
  }
  if (message.behaviour === "permanent" && take === 1) {
    return { type: "PermanentError", text: `bad input: ${job}`, permanent: true };
  }
  return null;
}

async function giveUp(redis, keys, raw, sha, message, error, opts) {
  const meta = `dlq:metadata:${message.job_id}:${message.filename}`;
  await redis
    .multi()
    .hset(meta, {
      job_id: message.job_id,
      filename: message.filename,
      error_type: error.type,
      error_message: error.text,
      error_stack: `Traceback (most recent call last):\n  File "processor.py", line 88, in process\n${error.type}: ${error.text}`,
      retry_count: String(message.retry_count),
      failed_at: pythonUtcNow(),
      original_queue: keys.queue,
    })
    .expire(meta, Math.round(opts.retentionDays * 86_400))
    .exec();
  return redis
    .multi()
    .lrem(keys.processing, 1, raw)
    .hdel(keys.leases, sha)
    .lpush(keys.dlq, raw)
    .exec();
}

async function settle(redis, keys, raw, sha, message, error, opts) {
  if (!error)
    return [
      "done",
      await redis.multi().lrem(keys.processing, 1, raw).hdel(keys.leases, sha).exec(),
    ];
  const count = Number(message.retry_count ?? 0);
  if (!error.permanent && count < opts.maxRetries) {
    const member = withPythonRetryCount(raw.toString("utf8"), count + 1);
    const due = Date.now() / 1000 + opts.backoffBase * 2 ** count;
    const tx = redis
      .multi()
      .lrem(keys.processing, 1, raw)
      .hdel(keys.leases, sha)
      .zadd(keys.retry, due, member);
    return ["retry", await tx.exec()];
  }
  return ["dlq", await giveUp(redis, keys, raw, sha, message, error, opts)];
}

async function takeOne(blocker, redis, record, keys, opts, tally) {
  const raw = await blocker.blmoveBuffer(keys.work, keys.processing, "RIGHT", "LEFT", 1);
  if (!raw) return;
  const sha = sha1(raw);
  await redis.hset(keys.leases, sha, String(Date.now() / 1000));
  const message = JSON.parse(raw.toString("utf8"));
  const take = await record.rpush(`takes:${message.job_id}`, raw);
  const [outcome, replies] = await settle(
    redis,
    keys,
    raw,
    sha,
    message,
    failure(message, take, opts.maxRetries),
    opts,
  );
  // LREM 0: the message was recovered meanwhile and will be taken again.
  const kept = replies?.[0]?.[1] === 1;
  const name = kept ? outcome : "lost";
  tally[name] = (tally[name] ?? 0) + 1;
  if (name === "done") await record.hincrby("done", message.job_id, 1);
  if (name === "dlq") await record.hset("dlqBy", message.job_id, "python");
}

/** Starts `concurrency` loops on `queue`; resolves the returned stop() when they have ended. */
export function startPythonConsumer(opts) {
  const keys = { queue: opts.queue, ...queueKeys(opts.queue) };
  const redis = new Redis(opts.url);
  const record = new Redis(opts.recordUrl);
  const tally = {};
  const errors = [];
  let running = true;
  const loops = Array.from({ length: opts.concurrency ?? 2 }, async () => {
    const blocker = new Redis(opts.url);
    while (running) {
      await takeOne(blocker, redis, record, keys, opts, tally).catch((e) => errors.push(String(e)));
    }
    blocker.disconnect();
  });
  return {
    tally,
    errors,
    async stop() {
      running = false;
      await Promise.all(loops);
      redis.disconnect();
      record.disconnect();
    },
  };
}
