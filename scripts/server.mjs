#!/usr/bin/env node
/**
 * The production HTTP server (started by `npm start` through scripts/start.mjs):
 * Next.js's request handler behind Redrive's front layer (lib/http/front.mjs),
 * which owns the socket and so is the one place that knows the client's
 * address, can refuse an oversized body before it is read, and sets the
 * security headers of every response.
 *
 * Arguments as `next start`: -p/--port (else PORT, else 3000), -H/--hostname
 * (else HOSTNAME, else all interfaces).
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { parseTrustPolicy, TrustPolicyError } from "../lib/client-address.mjs";
import { front } from "../lib/http/front.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function option(args, short, long) {
  const i = args.findIndex((a) => a === short || a === long);
  return i >= 0 ? args[i + 1] : undefined;
}

/** REDRIVE_TRUSTED_PROXIES, parsed as lib/config.ts does; a bad value stops the server. */
function trustPolicy(text) {
  try {
    return parseTrustPolicy(text);
  } catch (error) {
    if (!(error instanceof TrustPolicyError)) throw error;
    process.stderr.write(`Redrive cannot start:\n  - REDRIVE_TRUSTED_PROXIES: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * The release folder (scripts/release.mjs) has no next.config.js: Next's
 * standalone build keeps the resolved configuration beside the app, and its
 * own server hands it over the same way before Next loads.
 */
function useBuiltConfig() {
  if (existsSync(join(ROOT, "next.config.js"))) return;
  const files = join(ROOT, ".next", "required-server-files.json");
  const { config } = JSON.parse(readFileSync(files, "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

async function main() {
  const args = process.argv.slice(2);
  const port = Number(option(args, "-p", "--port") ?? process.env.PORT ?? 3000);
  const hostname = option(args, "-H", "--hostname") ?? process.env.HOSTNAME;
  const trust = trustPolicy(process.env.REDRIVE_TRUSTED_PROXIES);
  // The rest of the environment is validated by the app itself as it starts (lib/config.ts).
  const https = process.env.NEXTAUTH_URL?.startsWith("https://") ?? false;
  // The handler is installed before Next starts, so that instrumentation sees the front layer.
  let handle = null;
  useBuiltConfig();
  const frontHandler = front((req, res) => handle(req, res), { trust, https });
  const app = next({ dev: false, dir: ROOT, hostname, port });
  await app.prepare();
  handle = app.getRequestHandler();
  const server = createServer(frontHandler);
  // A client that trickles its request cannot hold a connection for minutes.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.listen(port, hostname, () => {
    const shown = hostname && hostname !== "0.0.0.0" ? hostname : "localhost";
    console.log(`Redrive dashboard on http://${shown}:${port}`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 5_000).unref();
    });
  }
  exitWithParent();
}

/**
 * Started by `npm start` (scripts/start.mjs), this process must not outlive
 * it: a start.mjs killed with SIGKILL (which it cannot forward) would leave
 * the server holding the port, and the supervisor's restart would fail with
 * EADDRINUSE or, worse, talk to the orphan. Linux has no portable "die with
 * the parent" for Node, so the parent's pid is checked every second.
 */
function exitWithParent() {
  const parent = Number(process.env.REDRIVE_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1_000).unref();
}

main().catch((error) => {
  process.stderr.write(`Redrive failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
