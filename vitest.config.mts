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
    include: [
      "tests/unit/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      "tests/api/**/*.test.ts",
    ],
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: "forks",
  },
});
