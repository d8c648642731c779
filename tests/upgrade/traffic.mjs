/**
 * The upgrade test's producer: LPUSHes messages with job ids unique to the run
 * and remembers the exact bytes of each, so that the end of the run can find
 * every message exactly once and compare what came back after a requeue.
 *
 * `document` gets what Python's json.dumps writes (", " and ": " separators,
 * \uXXXX escapes); `audio` and `video` what JSON.stringify writes (raw UTF-8).
 * Every message carries an integer beyond 2^53 written as digits, which a
 * parse-and-serialize round trip would change, and `retry_count: 0`, so that a
 * requeued message must come back byte for byte.
 */
import Redis from "ioredis";
import { queueKeys } from "./keys.mjs";

export const QUEUES = ["document", "audio", "video"];

/**
 * How each message of a cycle of 20 fails (consumer.ts and python-consumer.mjs
 * apply it): 15 % reach the DLQ, spread over the cycle so that every queue has
 * dead letters within seconds of the start.
 */
// prettier-ignore
const CYCLE = [
  "ok", "poison", "ok", "transient", "ok", "ok", "permanent", "ok", "transient", "ok",
  "ok", "poison", "ok", "transient", "ok", "ok", "ok", "transient", "ok", "ok",
];

/** JSON with Python's separators and ensure_ascii escapes, keys in insertion order. */
function pythonDumps(fields) {
  const parts = Object.entries(fields).map(([k, v]) => {
    const value = typeof v === "string" && v.startsWith("#int:") ? v.slice(5) : JSON.stringify(v);
    return `${JSON.stringify(k)}: ${value}`;
  });
  return `{${parts.join(", ")}}`.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function jsDumps(fields) {
  const parts = Object.entries(fields).map(([k, v]) => {
    const value = typeof v === "string" && v.startsWith("#int:") ? v.slice(5) : JSON.stringify(v);
    return `${JSON.stringify(k)}:${value}`;
  });
  return `{${parts.join(",")}}`;
}

export function makeMessage(queue, phase, seq) {
  const job = `up-${phase}-${queue}-${String(seq).padStart(5, "0")}`;
  const behaviour = CYCLE[seq % CYCLE.length];
  const fields = {
    job_id: job,
    filename:
      queue === "document"
        ? `résumé-${seq}.pdf`
        : `take-${seq}.${queue === "audio" ? "flac" : "mkv"}`,
    behaviour,
    trace_id: `#int:${9007199254740993n + BigInt(seq)}`,
    retry_count: 0,
    note: "naïve café ✓",
    submitted_at: Date.now() / 1000,
  };
  const text = queue === "document" ? pythonDumps(fields) : jsDumps(fields);
  return { job, queue, phase, behaviour, bytes: Buffer.from(text, "utf8") };
}

/**
 * Produces `perSecond` messages a second over the queues until stop(); every
 * message goes into `produced` (job id -> {queue, phase, behaviour, bytes}).
 */
export function startProducer({ url, perSecond, produced }) {
  const redis = new Redis(url);
  const counters = Object.fromEntries(QUEUES.map((q) => [q, 0]));
  let phase = "old";
  let n = 0;
  let inFlight = Promise.resolve();
  const errors = [];
  const timer = setInterval(() => {
    const queue = QUEUES[n++ % QUEUES.length];
    const message = makeMessage(queue, phase, counters[queue]++);
    produced.set(message.job, message);
    inFlight = redis
      .lpush(queueKeys(queue).work, message.bytes)
      .catch((e) => errors.push(String(e)));
  }, 1000 / perSecond);
  return {
    errors,
    setPhase(name) {
      phase = name;
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
      redis.disconnect();
    },
  };
}
