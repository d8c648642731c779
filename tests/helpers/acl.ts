import Redis from "ioredis";
import { loadConfig } from "@/lib/config";
import { aclSetUserArgs } from "@/lib/redis-acl";
import type { EmbeddedRedis } from "@/scripts/embedded-redis";

/**
 * `REDRIVE_TEST_ACL=1` runs a suite as the README's least-privilege Redis
 * user: the fixtures create it from lib/redis-acl.ts and connect the engine
 * or the dashboard with it, while the test's own client (which sets up and
 * inspects data) stays the default user.
 */
export const ACL_MODE = process.env.REDRIVE_TEST_ACL === "1";

const ACL_USER = "redrive";
const ACL_PASSWORD = "least-privilege-test";

/** Creates the user for the configuration `env` describes; returns the URL that logs in as it. */
export async function createAclUser(
  server: EmbeddedRedis,
  env: Record<string, string> = {},
): Promise<string> {
  const config = loadConfig({ NODE_ENV: "test", REDIS_URL: server.url, ...env });
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    await admin.call("ACL", "SETUSER", ...aclSetUserArgs(config, ACL_USER, ACL_PASSWORD));
  } finally {
    admin.disconnect();
  }
  return aclUrl(server);
}

export function aclUrl(server: EmbeddedRedis): string {
  return `redis://${ACL_USER}:${ACL_PASSWORD}@127.0.0.1:${server.port}`;
}

/**
 * What the restricted user was refused, one "reason context object" line per
 * ACL LOG entry (e.g. "command toplevel hincrbyfloat"): under REDRIVE_TEST_ACL
 * the fixtures expect none, so a refusal that a route swallows still fails.
 */
export async function aclDenials(admin: Redis): Promise<string[]> {
  const entries = (await admin.call("ACL", "LOG")) as unknown[][];
  const lines = entries.map((entry) => {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), entry[i + 1]);
    return ["reason", "context", "object", "username"].map((f) => fields.get(f)).join(" ");
  });
  // A test that restarts redis-server re-creates the user after the dashboard
  // has begun reconnecting: those logins fail ("auth"), and are no refusal.
  return lines.filter((line) => !line.startsWith("auth "));
}
