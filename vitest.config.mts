import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": dirname(fileURLToPath(import.meta.url)),
      // lib/ marks its modules server-only; tests run them on the server side.
      "server-only": join(
        dirname(fileURLToPath(import.meta.url)),
        "node_modules/server-only/empty.js",
      ),
    },
  },
  test: {
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: "forks",
    // Two files at a time: most of the suite waits on Redis, child processes and timers, so a
    // second worker nearly halves the run on two cores (750 s to 440 s). REDRIVE_TEST_WORKERS=1
    // runs one at a time, to tell a test that needs the machine to itself.
    maxWorkers: Number(process.env.REDRIVE_TEST_WORKERS) || 2,
    projects: [
      {
        extends: true,
        test: {
          name: "default-user",
          include: [
            "tests/unit/**/*.test.ts",
            "tests/integration/**/*.test.ts",
            "tests/api/**/*.test.ts",
            "tests/release/**/*.test.ts",
          ],
        },
      },
      {
        // The API suite and the engine's moving suites again, with the dashboard and the
        // engine logged in as the README's least-privilege Redis user (tests/helpers/acl.ts).
        extends: true,
        test: {
          name: "least-privilege",
          // The suites whose Redis commands differ (sessions, throttle, audit, idempotency,
          // every move, WAIT); the ones that add no command of their own run once.
          include: [
            "tests/api/{admin-api,audit-api,dlq-api,export,fix-and-route,idempotency,login-throttle,redact-api,replication,response-shapes,sessions}.test.ts",
            "tests/integration/{dlq-move,export,find,fix-and-route,foreign-requeue,group-notes,large-entries,requeue-later,retry,tasks}.test.ts",
          ],
          env: { REDRIVE_TEST_ACL: "1" },
        },
      },
      {
        // The engine, cache and API suites again on a local Redis Cluster (three masters,
        // three replicas; tests/helpers/cluster-mode.ts), with the hash-tagged key names.
        extends: true,
        test: {
          name: "cluster",
          include: [
            "tests/integration/{dlq-move,dlq-read,export,find,fix-and-route,requeue-later,retry,tasks,processor,foreign-requeue,undo,metrics,cache,cache-inspect,drain-queued}.test.ts",
            "tests/api/{dlq-api,admin-api,fix-and-route,metrics}.test.ts",
            // What only a Cluster has (failover of one shard, WAIT per master...).
            "tests/cluster/**/*.test.ts",
          ],
          env: { REDRIVE_TEST_CLUSTER: "1" },
        },
      },
    ],
  },
});
