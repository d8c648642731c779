/**
 * `npm run migrate-keys -- --to hashtag [--apply]` (or `--to plain`): renames
 * the queues' live keys from one REDIS_KEY_STYLE to the other, on the Redis of
 * REDIS_URL (standalone: do it before moving to a Cluster). Without --apply it
 * prints what it would rename. It refuses while a Redrive worker is alive, and
 * leaves alone a queue whose new names exist already. Stop the producers and
 * consumers (the Python backend included) first: what they write to the old
 * names after the rename would land in new, orphaned keys. Then start
 * everything with REDIS_KEY_STYLE set to the new style. See README,
 * "Redis Cluster".
 */
import { ConfigError, getConfig } from "../lib/config";
import { workerStatus } from "../lib/health";
import { applyRenames, renamePlan, type KeyStyle } from "../lib/migrate-keys";
import { createRedis } from "../lib/redis/connection";
import { readInfo } from "../lib/redis/info";

function parseArgs(argv: string[]): { to: KeyStyle; apply: boolean } | null {
  const at = argv.indexOf("--to");
  const to = at >= 0 ? argv[at + 1] : undefined;
  if (to !== "hashtag" && to !== "plain") return null;
  return { to, apply: argv.includes("--apply") };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write("usage: npm run migrate-keys -- --to hashtag|plain [--apply]\n");
    return 2;
  }
  const config = getConfig();
  const from: KeyStyle = args.to === "hashtag" ? "plain" : "hashtag";
  const plan = renamePlan(process.env, from, args.to);
  for (const step of plan) {
    for (const [a, b] of step.pairs) process.stdout.write(`${step.queue}: ${a} -> ${b}\n`);
  }
  if (!args.apply) {
    process.stdout.write("dry run: nothing renamed (add --apply to rename)\n");
    return 0;
  }
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    if ((await readInfo(redis)).cluster_enabled === "1") {
      // The old names are in different slots: the renames are for the standalone Redis before the move.
      process.stderr.write(
        "refused: this is a Redis Cluster node; migrate on the standalone Redis\n",
      );
      return 1;
    }
    const worker = await workerStatus({ redis, config });
    if (worker.instances > 0) {
      process.stderr.write(
        `refused: ${worker.instances} Redrive worker(s) alive; stop the workers, consumers and producers first\n`,
      );
      return 1;
    }
    const outcomes = await applyRenames({ redis }, plan);
    for (const o of outcomes) {
      const what = o.conflict
        ? `left as it was: ${o.conflict} exists already`
        : `${o.renamed} key(s) renamed`;
      process.stdout.write(`${o.queue}: ${what}\n`);
    }
    process.stdout.write(`now start everything with REDIS_KEY_STYLE=${args.to}\n`);
    return outcomes.some((o) => o.conflict) ? 1 : 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
