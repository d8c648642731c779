import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@/scripts/embedded-redis";
import { killOnExit } from "@/scripts/processes";

/**
 * A real Prometheus server (Debian's `prometheus` package) on a free loopback
 * port, scraping one target's /api/metrics every second with a bearer token
 * read from a file, as the README's scrape job does.
 */
export interface LocalPrometheus {
  url: string;
  /** The instant vector of `query`: one [labels, value] per series; throws Prometheus's error (a bad query). */
  query(query: string): Promise<[Record<string, string>, number][]>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string, token: string): Promise<LocalPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "redrive-prometheus-"));
  writeFileSync(join(dir, "token"), token, { mode: 0o600 });
  const host = new URL(target).host;
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s, scrape_timeout: 1s }",
      "scrape_configs:",
      "  - job_name: redrive",
      "    metrics_path: /api/metrics",
      `    authorization: { credentials_file: ${join(dir, "token")} }`,
      `    static_configs: [{ targets: ["${host}"] }]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  const undo = killOnExit(child);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async query(q) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
      if (!res.ok) throw new Error(`${q}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result.map((r) => [r.metric, Number(r.value[1])]);
    },
    async stop() {
      undo();
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    },
  };
}
