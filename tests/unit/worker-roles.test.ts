import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import { allRoles, describeRoles, parseWorkerRoles } from "@/lib/worker-roles";

const QUEUES = ["document", "video"];

describe("REDRIVE_WORKER_ROLES", () => {
  it("should give every role for every queue when unset or all", () => {
    expect(parseWorkerRoles(undefined, QUEUES)).toEqual({ roles: allRoles(QUEUES), problems: [] });
    expect(parseWorkerRoles(" ALL ", QUEUES).roles).toEqual(allRoles(QUEUES));
    expect(describeRoles(allRoles(QUEUES), QUEUES)).toBe(
      "promote recover purge sample tasks alerts",
    );
  });

  it("should leave promotion to the backend when promote is not listed", () => {
    const { roles, problems } = parseWorkerRoles("recover,purge,sample,tasks", QUEUES);
    expect(problems).toEqual([]);
    expect(roles.queues.promote).toEqual([]);
    expect(roles.queues.recover).toEqual(QUEUES);
    expect(roles).toMatchObject({ sample: true, tasks: true });
    expect(describeRoles(roles, QUEUES)).toBe("recover purge sample tasks");
  });

  it("should take a role for one queue with role:queue", () => {
    const { roles } = parseWorkerRoles("promote:video, recover", QUEUES);
    expect(roles.queues).toEqual({ promote: ["video"], recover: QUEUES, purge: [] });
    expect(roles).toMatchObject({ sample: false, tasks: false });
    expect(describeRoles(roles, QUEUES)).toBe("promote:video recover");
  });

  it("should name every bad item: an unknown role, an unknown queue, a queue on a global role", () => {
    const { problems } = parseWorkerRoles("promte,promote:audio,tasks:video,purge:a:b", QUEUES);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/"promte" is not a role/);
    expect(problems[1]).toMatch(/"audio" is not a configured queue/);
    expect(problems[2]).toMatch(/tasks is not per queue/);
    expect(problems[3]).toMatch(/expected role or role:queue/);
  });

  it("should refuse a bad value at start-up with the variable's name", () => {
    expect(() => loadConfig({ QUEUES: "document", REDRIVE_WORKER_ROLES: "promote:video" })).toThrow(
      ConfigError,
    );
    const config = loadConfig({ QUEUES: "document,video", REDRIVE_WORKER_ROLES: "promote:video" });
    expect(config.workerRoles.queues.promote).toEqual(["video"]);
  });
});
