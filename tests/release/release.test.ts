import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Redis from "ioredis";
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { logIn, waitForHealth } from "@/scripts/http-client";
import { ROOT } from "@/scripts/production-build";
import { until } from "../helpers/until";
import { SCHEMA_VERSION } from "@/lib/schema/version";
import {
  mappedFiles,
  packagesIn,
  processTree,
  releaseFolder,
  runRelease,
  type ReleaseProcess,
} from "../helpers/release";

/**
 * The release folder, which is all the container image holds, run from an
 * empty temporary folder with nothing of the checkout: the dashboard and the
 * worker start from it, an admin logs in, requeues a message and runs a
 * requeue-all task to the end.
 */
const PASSWORD = "correct horse battery staple";
const ALIVE = join(tmpdir(), `redrive-alive-${randomBytes(4).toString("hex")}`);

let folder = "";
let redis: EmbeddedRedis;
let client: Redis;
let url = "";
let env: Record<string, string> = {};
let dashboard: ReleaseProcess;
let worker: ReleaseProcess;

const pkg = () => JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

function hashWithRelease(): Promise<string> {
  const tool = runRelease(folder, ["hash-password"], {});
  tool.child.stdin!.end(`${PASSWORD}\n`);
  return tool.exited.then((code) => {
    if (code !== 0) throw new Error(`hash-password exited ${code}: ${tool.output()}`);
    return tool.output().split("\n")[0]!;
  });
}

beforeAll(async () => {
  folder = await releaseFolder();
  redis = await startEmbeddedRedis();
  client = new Redis(redis.url);
  url = `http://127.0.0.1:${await freePort()}`;
  env = {
    REDIS_URL: redis.url,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: "release-secret-release-secret",
    REDRIVE_USERS: `admin:admin:${await hashWithRelease()}`,
    PORT: new URL(url).port,
    HOSTNAME: "127.0.0.1",
    RETRY_WORKER_INTERVAL_SECONDS: "0.5",
    REDRIVE_WORKER_ALIVE_FILE: ALIVE,
  };
  dashboard = runRelease(folder, ["dashboard"], env);
  worker = runRelease(folder, ["worker"], env);
  await waitForHealth(url, {
    exited: () => dashboard.child.exitCode !== null,
    output: () => dashboard.output(),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([dashboard?.stop(), worker?.stop()]);
  client?.disconnect();
  await redis?.stop();
  rmSync(ALIVE, { force: true });
  if (folder) rmSync(dirname(folder), { recursive: true, force: true });
});

describe("the release folder", () => {
  it("should hold the built app and its runtime packages only, no sources or dev tools", () => {
    expect(readdirSync(folder).sort()).toEqual(
      [
        ".next",
        "RELEASE",
        "dist",
        "lib",
        "node_modules",
        "package.json",
        "sbom.cdx.json",
        "scripts",
      ].sort(),
    );
    expect(readdirSync(join(folder, "dist")).sort()).toEqual([
      "cli.mjs",
      "hash-password.mjs",
      "migrate-keys.mjs",
      "migrate.mjs",
      "redis-acl.mjs",
      "simulate.mjs",
      "worker.mjs",
    ]);
    const packages = packagesIn(join(folder, "node_modules"));
    for (const dev of ["typescript", "tsx", "esbuild", "vitest", "@playwright/test", "eslint"]) {
      expect(packages).not.toContain(dev);
    }
    // No TypeScript source travels: app/, components/ and lib/ are compiled into .next.
    for (const source of ["app", "components", "demo", "tests", "proxy.ts", "next.config.js"]) {
      expect(existsSync(join(folder, source))).toBe(false);
    }
  });

  it("should print its version when asked", async () => {
    for (const args of [["--version"], ["worker", "--version"]]) {
      const tool = runRelease(folder, args, {});
      expect(await tool.exited).toBe(0);
      expect(tool.output()).toBe(`${pkg().version}\n`);
    }
  });

  it("should run the compiled command line from the release folder", async () => {
    const tool = runRelease(folder, ["dlq", "--help"], {});
    expect(await tool.exited).toBe(0);
    expect(tool.output()).toContain("stats");
  });

  it("should say the worker brought the stored state to this release's schema when migrate --dry-run runs", async () => {
    await until(async () => (await client.hget("redrive:schema", "version")) !== null, "schema");
    const tool = runRelease(folder, ["migrate", "--dry-run"], env);
    expect(await tool.exited).toBe(0);
    expect(tool.output()).toContain(`this release (${pkg().version}): ${SCHEMA_VERSION}`);
    expect(tool.output()).toContain("up to date: nothing to do");
  });

  it("should log in, requeue one message and finish a requeue-all task with the worker", async () => {
    const dlq = ["a", "b", "c"].map((id) => JSON.stringify({ id, retry_count: 3, error: "boom" }));
    await client.lpush("document_dlq", ...dlq);
    const cookie = await logIn(url, "admin", PASSWORD);
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { cookie, origin: url, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // LPUSH put "c" first: index 2 is "a".
    expect((await post("/api/admin/dlq/document/requeue/2", { identity: "id:a" })).status).toBe(
      200,
    );
    expect(await client.lrange("document_queue", 0, -1)).toEqual(['{"id":"a","retry_count":0}']);
    const task = await post("/api/admin/dlq/document/tasks", { kind: "requeue" });
    expect(task.status).toBe(202);
    await until(async () => (await client.llen("document_dlq")) === 0, "the task emptied the DLQ");
    expect(await client.llen("document_queue")).toBe(3);
    const shown = await until(async () => {
      const res = await fetch(`${url}/api/admin/dlq/document/tasks`, { headers: { cookie } });
      const body = (await res.json()) as { task: { state: string; moved: number } };
      return body.task.state === "done" && body.task;
    }, "the task's state");
    expect(shown.moved).toBe(2);
  });

  it("should be healthy by the image's one check, for the dashboard and for the worker", async () => {
    const check = (extra: Record<string, string>) =>
      runRelease(folder, ["health"], { ...env, ...extra }).exited;
    expect(await check({ REDRIVE_WORKER_ALIVE_FILE: join(tmpdir(), "no-such-alive-file") })).toBe(
      0,
    );
    await until(async () => existsSync(ALIVE), "the worker's alive file");
    expect(await check({})).toBe(0);
    expect(await check({ REDRIVE_WORKER_ALIVE_FILE: "", PORT: String(await freePort()) })).toBe(1);
  });

  it("should load nothing from the source checkout", () => {
    const pids = [...processTree(dashboard.child.pid!), worker.child.pid!];
    expect(pids.length).toBe(3); // the launcher, the server it runs, the worker
    for (const pid of pids) {
      expect(mappedFiles(pid).filter((f) => f.startsWith(ROOT))).toEqual([]);
    }
  });

  it("should let the worker finish its run and exit 0 on SIGTERM", async () => {
    expect(await worker.stop("SIGTERM")).toBe(0);
    expect(worker.output()).toContain('"msg":"retry worker stopped"');
  });
});
