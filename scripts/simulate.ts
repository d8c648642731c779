/**
 * The demo's traffic simulator on its own (`redrive.mjs simulate`, the
 * compose file's `demo` profile): producers, failing consumers, foreign DLQ
 * entries and a cache-reading application against REDIS_URL, with a report
 * every 10 seconds. For a demo or a staging Redis, never a production one: it
 * writes messages into the configured queues. SIGTERM or SIGINT stops it.
 */
import { ConfigError, getConfig } from "../lib/config";
import { startSimulator } from "../demo/simulator";
import { log } from "./demo/lines";

const REPORT_SECONDS = 10;

async function main(): Promise<void> {
  const config = getConfig();
  if (!config.REDIS_URL) throw new ConfigError(["REDIS_URL: the simulator writes to this Redis"]);
  const simulator = await startSimulator({ url: config.REDIS_URL, config, log });
  log("simulator", `writing to the queues ${config.QUEUES.join(", ")}`);
  const report = setInterval(() => {
    simulator.report().then(
      (lines) => lines.forEach((line) => log("report", line)),
      (error: unknown) => log("simulator", `report failed: ${String(error)}`),
    );
  }, REPORT_SECONDS * 1000);
  const stop = () => {
    clearInterval(report);
    void simulator.stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
