/**
 * How each version's processes are started in an upgrade run, from copies in
 * the run folder (never from the cache itself, so a run cannot change it):
 *
 *   old  a checkout of the tag, as 0.1.0 ran: `node scripts/start.mjs` (next
 *        start) for the dashboard, tsx for the worker and the consumer
 *   new  the release folder: `node scripts/redrive.mjs dashboard|worker`, and
 *        the consumer bundled against the new lib/ (build.mjs)
 *
 * Every process gets the same settings, fast enough that messages retry and
 * dead-letter within seconds: 2 retries 1 s and 2 s apart, a worker run every
 * second and a metrics sample every 2 s.
 */
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CONSUMER, copyTree, ROOT } from "./build.mjs";
import { keySettings } from "./keys.mjs";
import { freePort, startProcess, waitForHealth } from "./procs.mjs";

export const SETTINGS = {
  QUEUES: "document,audio,video",
  MAX_RETRY_ATTEMPTS: "2",
  RETRY_BACKOFF_BASE_SECONDS: "1",
  RETRY_BACKOFF_MAX_SECONDS: "4",
  RETRY_JITTER_RATIO: "0",
  RETRY_WORKER_INTERVAL_SECONDS: "1",
  METRICS_SAMPLE_SECONDS: "2",
  PROCESSING_LEASE_SECONDS: "60",
  NODE_ENV: "production",
};

export function makeStack({
  runDir,
  logDir,
  redisUrl,
  recordUrl,
  old,
  next,
  users,
  secret,
  procs,
}) {
  const oldDir = join(runDir, "old");
  const newDir = join(runDir, "new");
  copyTree(old.dir, oldDir);
  copyTree(next.dir, newDir);
  // A new file, not the hard link cp -al made: the cache's copy stays as it is.
  rmSync(join(oldDir, CONSUMER), { force: true });
  cpSync(join(ROOT, CONSUMER), join(oldDir, CONSUMER));
  const env = { ...SETTINGS, ...keySettings(SETTINGS.QUEUES.split(",")), REDIS_URL: redisUrl };
  const tsx = join(oldDir, "node_modules", "tsx", "dist", "cli.mjs");
  const starts = new Map();
  const start = (name, cmd, args, cwd, extra = {}) => {
    const n = (starts.get(name) ?? 0) + 1;
    starts.set(name, n);
    const label = n === 1 ? name : `${name}#${n}`;
    const proc = startProcess(label, cmd, args, { cwd, env: { ...env, ...extra }, logDir });
    proc.role = name;
    procs.push(proc);
    return proc;
  };

  async function dashboard(version) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const extra = {
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: secret,
      REDRIVE_USERS: users,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    };
    const proc =
      version === "old"
        ? start(
            "old-dashboard",
            process.execPath,
            ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"],
            oldDir,
            extra,
          )
        : start("new-dashboard", process.execPath, ["scripts/redrive.mjs", "dashboard"], newDir, {
            ...extra,
            // Every answer checked against its route's schema, as the API tests run it: state
            // 0.1.0 left that a response shape does not allow is a 500 here, not a silent pass.
            REDRIVE_CHECK_RESPONSES: "1",
          });
    await waitForHealth(url, proc);
    return { proc, url };
  }

  function worker(version) {
    return version === "old"
      ? start(
          "old-worker",
          process.execPath,
          [tsx, "--conditions=react-server", "scripts/worker.ts"],
          oldDir,
        )
      : start("new-worker", process.execPath, ["scripts/redrive.mjs", "worker"], newDir);
  }

  function consumer(version, queues) {
    const extra = {
      UPGRADE_CONSUME: queues.join(","),
      // What its dead letters are attributed to in the report.
      UPGRADE_VERSION: version === "old" ? "0.1.0" : "new",
      UPGRADE_RECORD_URL: recordUrl,
    };
    return version === "old"
      ? start(
          "old-consumer",
          process.execPath,
          [tsx, "--conditions=react-server", CONSUMER],
          oldDir,
          extra,
        )
      : start("new-consumer", process.execPath, [next.consumer], newDir, extra);
  }

  return { dashboard, worker, consumer, oldDir, newDir };
}
