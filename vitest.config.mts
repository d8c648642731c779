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
    projects: [
      {
        extends: true,
        test: {
          name: "default-user",
          include: [
            "tests/unit/**/*.test.ts",
            "tests/integration/**/*.test.ts",
            "tests/api/**/*.test.ts",
          ],
        },
      },
      {
        // The API suite and the engine's moving suites again, with the dashboard and the
        // engine logged in as the README's least-privilege Redis user (tests/helpers/acl.ts).
        extends: true,
        test: {
          name: "least-privilege",
          include: [
            "tests/api/**/*.test.ts",
            "tests/integration/{dlq-move,drain-queued,foreign-requeue,large-entries,retry,tasks}.test.ts",
          ],
          // The fuzz test runs as that user in both; the failover test is about Sentinel.
          exclude: ["tests/api/fuzz.test.ts", "tests/api/sentinel-failover.test.ts"],
          env: { REDRIVE_TEST_ACL: "1" },
        },
      },
    ],
  },
});
