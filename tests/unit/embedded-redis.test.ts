import { describe, expect, it } from "vitest";
import { startEmbeddedRedis } from "@/scripts/embedded-redis";

describe("startEmbeddedRedis", () => {
  it("should say how to install redis-server when the binary is missing", async () => {
    await expect(startEmbeddedRedis("/nonexistent/redis-server")).rejects.toThrow(
      /apt-get install -y redis-server/,
    );
  });

  it("should start on a loopback port without persistence and stop", async () => {
    const server = await startEmbeddedRedis();
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const { default: Redis } = await import("ioredis");
    const client = new Redis(server.url);
    expect(await client.config("GET", "save")).toEqual(["save", ""]);
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    client.disconnect();
    await server.stop();
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
  });
});
