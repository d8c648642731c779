import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";

/**
 * The Dockerfile and deploy/docker-compose.yml, read as an engine would:
 * no container engine runs on the test machines, so their promises (a
 * non-root image of the release folder only, health checks that need no
 * Redis, Redis with an append-only file on a volume, two workers) are checked
 * here, and the compose file against the Compose schema by docker-compose.
 */
const DOCKERFILE = readFileSync("Dockerfile", "utf8");
const COMPOSE_FILE = "deploy/docker-compose.yml";

interface Service {
  command?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  deploy?: { replicas?: number };
  profiles?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  read_only?: boolean;
  ports?: string[];
}
const compose = load(readFileSync(COMPOSE_FILE, "utf8")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
};

/** The Dockerfile's instructions after its last FROM (what the image is made of). */
function finalStage(): string[] {
  const lines = DOCKERFILE.replace(/\\\n/g, " ")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
  const from = lines.map((l) => l.startsWith("FROM ")).lastIndexOf(true);
  return lines.slice(from);
}

describe("Dockerfile", () => {
  it("should copy only the release folder into a non-root final stage without build steps or npm", () => {
    const stage = finalStage();
    expect(stage.filter((l) => l.startsWith("COPY"))).toEqual([
      "COPY --from=build --chown=root:root /release /app",
    ]);
    // One step only: removing the package managers the base image carries.
    const runs = stage.filter((l) => l.startsWith("RUN"));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.split(/\s+/).slice(0, 5)).toEqual([
      "RUN",
      "rm",
      "-rf",
      "/usr/local/lib/node_modules",
      "/usr/local/bin/npm",
    ]);
    expect(stage).toContain("USER 1000:1000");
    expect(DOCKERFILE).toContain("node scripts/release.mjs /release");
  });

  it("should default to the dashboard and stop with SIGTERM when run", () => {
    const stage = finalStage();
    expect(stage).toContain('ENTRYPOINT ["node", "scripts/redrive.mjs"]');
    expect(stage).toContain('CMD ["dashboard"]');
    expect(stage).toContain("STOPSIGNAL SIGTERM");
    expect(stage.find((l) => l.startsWith("HEALTHCHECK"))).toContain('"health"]');
  });

  it("should build on a supported Node LTS (22 or later) when the base is not named", () => {
    const base = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(DOCKERFILE);
    expect(Number(base?.[1])).toBeGreaterThanOrEqual(22);
  });
});

describe("deploy/docker-compose.yml", () => {
  const { services } = compose;

  it("should run Redis with an append-only file on a named volume and a non-evicting policy", () => {
    const redis = services.redis!;
    expect(redis.command?.join(" ")).toContain("--appendonly yes");
    expect(redis.command?.join(" ")).toContain("--maxmemory-policy noeviction");
    expect(redis.volumes).toEqual(["redis-data:/data"]);
    expect(Object.keys(compose.volumes)).toEqual(["redis-data"]);
    expect(redis.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("should run the dashboard and two workers from the image once Redis is healthy", () => {
    expect(services.dashboard?.command).toEqual(["dashboard"]);
    expect(services.worker?.command).toEqual(["worker"]);
    expect(services.worker?.deploy?.replicas).toBe(2);
    for (const name of ["dashboard", "worker"]) {
      const service = services[name]!;
      expect(service.depends_on?.redis?.condition).toBe("service_healthy");
      expect(service.healthcheck?.test).toEqual(["CMD", "node", "scripts/redrive.mjs", "health"]);
      expect(service.env_file).toBe(".env");
      expect(service.read_only).toBe(true);
    }
    // Behind a reverse proxy: the dashboard's port is published on loopback only.
    expect(services.dashboard?.ports?.[0]).toMatch(/^127\.0\.0\.1:/);
  });

  it("should add the traffic simulator only under the demo profile", () => {
    const profiled = Object.entries(services).filter(([, s]) => s.profiles);
    expect(profiled.map(([name, s]) => [name, s.profiles])).toEqual([["simulator", ["demo"]]]);
    expect(services.simulator?.command).toEqual(["simulate"]);
  });

  it("should name only settings Redrive knows, and valid ones, in the .env example", () => {
    const example = readFileSync("deploy/.env.example", "utf8");
    const set = Object.fromEntries(
      example
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    // Filled in as the comments say; REDIS_PASSWORD is the compose file's own.
    const env = {
      ...set,
      NEXTAUTH_SECRET: "a".repeat(32),
      REDRIVE_METRICS_TOKEN: "b".repeat(32),
      REDIS_URL: "redis://redis:6379",
    };
    expect(() => loadConfig(env)).not.toThrow();
    const known = Object.keys(loadConfig(env));
    const names = Object.keys(set).filter((n) => n !== "REDIS_PASSWORD");
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
  });

  it.runIf(hasDockerCompose())(
    "should be valid against the Compose schema when docker-compose checks it",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "redrive-compose-"));
      try {
        // docker-compose 1.29 (Debian 12's) predates the top-level `name`; the rest is its schema.
        const text = readFileSync(COMPOSE_FILE, "utf8").replace(/^name: .*\n/m, "");
        writeFileSync(join(dir, "docker-compose.yml"), text);
        writeFileSync(join(dir, ".env"), "REDIS_PASSWORD=p\nNEXTAUTH_SECRET=s\n");
        writeFileSync(join(dir, "users"), "");
        const out = execFileSync("docker-compose", ["-f", "docker-compose.yml", "config"], {
          cwd: dir,
          encoding: "utf8",
        });
        expect(out).toContain("redis-data");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: {
    replicas?: number;
    template?: {
      spec: {
        securityContext?: { runAsNonRoot?: boolean };
        containers: {
          args: string[];
          livenessProbe?: { httpGet?: { path: string }; exec?: { command: string[] } };
          readinessProbe?: { httpGet?: { path: string } };
        }[];
      };
    };
  };
}

describe("deploy/kubernetes/redrive.yaml", () => {
  const objects = loadAll(readFileSync("deploy/kubernetes/redrive.yaml", "utf8")) as K8sObject[];
  const deployment = (name: string) =>
    objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!;

  it("should run the dashboard behind a Service, probed live without Redis and ready with it", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ["ConfigMap", "Deployment", "Deployment", "Service"].sort(),
    );
    const pod = deployment("redrive-dashboard").spec!.template!.spec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    const [container] = pod.containers;
    expect(container!.args).toEqual(["dashboard"]);
    expect(container!.livenessProbe?.httpGet?.path).toBe("/api/health/live");
    expect(container!.readinessProbe?.httpGet?.path).toBe("/api/health");
    // The probed routes exist in the app.
    expect(existsSync("app/api/health/live/route.ts")).toBe(true);
    expect(existsSync("app/api/health/route.ts")).toBe(true);
  });

  it("should run two workers whose liveness is the image's health command", () => {
    const worker = deployment("redrive-worker");
    expect(worker.spec!.replicas).toBe(2);
    const [container] = worker.spec!.template!.spec.containers;
    expect(container!.args).toEqual(["worker"]);
    expect(container!.livenessProbe?.exec?.command).toEqual([
      "node",
      "scripts/redrive.mjs",
      "health",
    ]);
  });
});

function hasDockerCompose(): boolean {
  try {
    execFileSync("docker-compose", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
