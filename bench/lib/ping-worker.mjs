// PING monitor, run as a process of its own so that it has an event loop and
// a scheduling priority of its own: a benchmark's JavaScript work must not
// show up as Redis latency. It sends the next PING 1 ms after the previous
// reply and keeps every sample of the current window; the benchmark opens and
// closes windows over IPC. The Redis URL is its first argument.
import Redis from "ioredis";

const INTERVAL_MS = 1;
const redis = new Redis(process.argv[2], { maxRetriesPerRequest: 1 });
let samples = [];
let running = true;
let inFlight = Promise.resolve();

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats() {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    worstMs: quantile(sorted, 1),
    p99Ms: quantile(sorted, 0.99),
    p50Ms: quantile(sorted, 0.5),
    over10Ms: samples.filter((ms) => ms >= 10).length,
  };
}

async function pingOnce() {
  const t0 = process.hrtime.bigint();
  try {
    await redis.ping();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  } catch {
    // A PING that fails is as bad as one that never returns.
    samples.push(Number.POSITIVE_INFINITY);
  }
}

async function loop() {
  while (running) {
    inFlight = pingOnce();
    await inFlight;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

function close() {
  running = false;
  void inFlight.then(() => {
    redis.disconnect();
    if (process.connected) process.disconnect();
  });
}

process.on("message", (msg) => {
  if (msg === "begin") {
    samples = [];
    process.send({ type: "begun" });
  } else if (msg === "end") {
    // A PING held up by the phase's last command still belongs to the phase.
    void inFlight.then(() => process.send({ type: "stats", stats: stats() }));
  } else if (msg === "close") {
    close();
  }
});
// The benchmark died: nothing would ever close this process.
process.on("disconnect", close);

await redis.ping();
process.send({ type: "ready" });
void loop();
