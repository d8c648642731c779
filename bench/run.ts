import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePeers } from "./lib/peers";
import { printSummary, type Summary } from "./lib/summary";
import { printTable } from "./lib/table";

/**
 * `npm run bench -- <name> [options]`: runs bench/<name>.ts, whose `run(args)`
 * prints its tables and returns the summary printed here as the last line.
 */
interface BenchModule {
  run(args: string[]): Promise<Summary>;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** Benchmarks that compare against no peer: they skip the install of bench/peers. */
const WITHOUT_PEERS = new Set(["ui", "queues", "find", "export"]);

function knownBenchmarks(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const known = knownBenchmarks();
  if (!name || !known.includes(name)) {
    console.error(
      `${name ? `Unknown benchmark ${JSON.stringify(name)}. ` : ""}Usage: npm run bench -- <name>\n` +
        `Known benchmarks: ${known.join(", ")}`,
    );
    return 2;
  }
  if (!WITHOUT_PEERS.has(name)) ensurePeers();
  // Imported only now: a benchmark may import the peers installed just above.
  const mod = (await import(`./${name}`)) as BenchModule;
  const summary = await mod.run(args);
  printTable(
    `Targets (${summary.passed} passed, ${summary.failed} failed)`,
    ["target", "measured", "", "target", "unit", "result"],
    summary.targets.map((t) => [
      t.description,
      t.value,
      t.comparator,
      t.target,
      t.unit,
      t.pass ? "PASS" : "FAIL",
    ]),
  );
  printSummary(summary);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
