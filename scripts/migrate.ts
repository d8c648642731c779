/**
 * `npm run migrate [-- --dry-run]`: brings the stored state on REDIS_URL to
 * this release's schema, as the worker service does at start (under the same
 * lock: run beside workers, it waits for the one migrating). `--dry-run`
 * writes nothing and prints what each pending migration would change.
 * Exit 0 when the state is at this release's schema (or newer), 1 on failure,
 * 2 (writing nothing) on an argument it does not know.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { ConfigError, getConfig } from "../lib/config";
import { createRedis } from "../lib/redis/connection";
import { migrate, type MigrateOutcome } from "../lib/schema/runner";
import { SCHEMA_VERSION } from "../lib/schema/version";
import { VERSION } from "../lib/version";

function describe(outcome: MigrateOutcome, dryRun: boolean): string[] {
  const lines = [
    `stored state: schema ${outcome.from}; this release (${VERSION}): ${SCHEMA_VERSION}`,
  ];
  if (outcome.from > SCHEMA_VERSION) lines.push("newer than this release: nothing to do");
  else if (outcome.from === SCHEMA_VERSION) lines.push("up to date: nothing to do");
  if (outcome.waitedFor) lines.push(`migrated by ${outcome.waitedFor} while this waited`);
  for (const r of outcome.ran) {
    const { changed, left, unchanged, notes } = r.result;
    const verb = dryRun ? "would change" : "changed";
    lines.push(
      `migration ${r.version} ${r.name}${r.resumed ? " (resumed)" : ""}: ${r.summary}`,
      `  ${verb} ${changed}, left ${left}, already fine ${unchanged}`,
      ...notes.map((n) => `  note: ${n}`),
    );
  }
  if (dryRun) lines.push("dry run: nothing written");
  else if (outcome.from < SCHEMA_VERSION) lines.push(`stored state: schema ${outcome.to}`);
  return lines;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  // A mistyped flag (`--dryrun`) must not migrate for real.
  if (args.some((a) => a !== "--dry-run")) {
    process.stderr.write("usage: npm run migrate [-- --dry-run]\n");
    return 2;
  }
  const dryRun = args.includes("--dry-run");
  const config = getConfig();
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const owner = `migrate:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const log = (level: string, msg: string, fields: Record<string, unknown>) => {
      if (level !== "info" || msg.startsWith("waiting")) {
        process.stderr.write(`${msg} ${JSON.stringify(fields)}\n`);
      }
    };
    const outcome = await migrate({ redis, config }, { owner, dryRun, log });
    process.stdout.write(`${describe(outcome, dryRun).join("\n")}\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `migration failed: ${String(error)}`}\n`,
    );
    process.exit(1);
  },
);
