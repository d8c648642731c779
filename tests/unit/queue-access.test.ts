import { describe, expect, it } from "vitest";
import {
  adminQueues,
  roleEverywhere,
  roleOn,
  roleOverAll,
  scopeKey,
  visibleQueues,
  type QueueGrant,
} from "@/lib/access";
import { oidcIdentity } from "@/lib/auth/oidc";
import { parseUsers, UsersError } from "@/lib/auth/users";
import { ConfigError, loadConfig } from "@/lib/config";

const HASH = `$2b$04$${"a".repeat(53)}`;
const QUEUES = ["tenant-a-mail", "tenant-a-pdf", "tenant-b-mail", "billing"];

describe("roles per queue", () => {
  it("should limit a password user to the queues of a fourth field when one is given", () => {
    const [all, some] = parseUsers(
      `ops:admin:${HASH}\nana:admin:${HASH}:tenant-a-*|billing`,
      "REDRIVE_USERS",
    );
    expect(all).toMatchObject({ name: "ops", role: "admin", queues: null });
    expect(some).toMatchObject({ name: "ana", role: "admin", queues: ["tenant-a-*", "billing"] });
    const grants: QueueGrant[] = [{ role: some!.role, queues: some!.queues }];
    expect(visibleQueues(QUEUES, grants)).toEqual(["tenant-a-mail", "tenant-a-pdf", "billing"]);
    expect(roleOn(grants, "tenant-b-mail")).toBeNull();
    expect(roleEverywhere(grants)).toBeNull();
  });

  it("should refuse a users entry when its queues are not names or globs", () => {
    for (const queues of ["Tenant-A", "a|b c", "|", "x".repeat(65), "a;b"]) {
      expect(() => parseUsers(`ana:viewer:${HASH}:${queues}`, "REDRIVE_USERS")).toThrow(UsersError);
    }
    const tooMany = Array.from({ length: 51 }, (_, i) => `q${i}`).join("|");
    expect(() => parseUsers(`ana:viewer:${HASH}:${tooMany}`, "REDRIVE_USERS")).toThrow(/at most/);
  });

  it("should take the highest role of the grants covering a queue when grants overlap", () => {
    const grants: QueueGrant[] = [
      { role: "viewer", queues: null },
      { role: "admin", queues: ["tenant-a-*"] },
    ];
    expect(roleOn(grants, "tenant-a-pdf")).toBe("admin");
    expect(roleOn(grants, "billing")).toBe("viewer");
    expect(roleEverywhere(grants)).toBe("viewer");
    expect(adminQueues(QUEUES, grants)).toEqual(["tenant-a-mail", "tenant-a-pdf"]);
    // A list of queues is shown with the role the user has on all of them.
    expect(roleOverAll(["tenant-a-mail", "tenant-a-pdf"], grants)).toBe("admin");
    expect(roleOverAll(QUEUES, grants)).toBe("viewer");
    expect(roleOverAll([], [{ role: "admin", queues: ["x"] }])).toBe("viewer");
  });

  it("should give users of the same queues one key for shared answers when their globs match", () => {
    expect(scopeKey([{ role: "admin", queues: null }])).toBe("*");
    expect(scopeKey([{ role: "viewer", queues: ["b", "a"] }])).toBe(
      scopeKey([{ role: "admin", queues: ["a", "b", "a"] }]),
    );
    expect(scopeKey([{ role: "viewer", queues: ["a"] }])).not.toBe("*");
  });
});

describe("roles per queue through single sign-on", () => {
  const config = loadConfig({
    OIDC_ALLOWED_DOMAINS: "example.com",
    OIDC_ALLOWED_GROUPS: "team-a,everyone",
    OIDC_ADMIN_GROUPS: "team-a-admins,platform",
    OIDC_QUEUE_GROUPS: "team-a:tenant-a-*, team-a-admins:tenant-a-*|billing",
  });
  const who = (groups: string[], email?: string) =>
    oidcIdentity({ sub: "s", email, email_verified: true, groups }, config);

  it("should limit a group's grant to its queues when OIDC_QUEUE_GROUPS lists the group", () => {
    expect(who(["team-a-admins"])).toMatchObject({
      role: "admin",
      grants: [{ role: "admin", queues: ["tenant-a-*", "billing"] }],
    });
    expect(who(["team-a"])).toMatchObject({
      grants: [{ role: "viewer", queues: ["tenant-a-*"] }],
    });
  });

  it("should add every way in when a user is allowed by several", () => {
    const identity = who(["team-a-admins", "everyone"], "ana@example.com");
    expect(identity).toMatchObject({
      grants: [
        { role: "viewer", queues: null },
        { role: "admin", queues: ["tenant-a-*", "billing"] },
        { role: "viewer", queues: null },
      ],
    });
    if ("denied" in identity) throw new Error(identity.denied);
    expect(roleOn(identity.grants, "tenant-b-mail")).toBe("viewer");
    expect(roleOn(identity.grants, "billing")).toBe("admin");
    // An unlisted admin group is admin of every queue.
    expect(who(["platform"])).toMatchObject({ grants: [{ role: "admin", queues: null }] });
  });

  it("should refuse OIDC_QUEUE_GROUPS when a group grants nothing or a glob is bad", () => {
    const base = { OIDC_ALLOWED_GROUPS: "team-a" };
    expect(() => loadConfig({ ...base, OIDC_QUEUE_GROUPS: "team-b:tenant-b-*" })).toThrow(
      /neither OIDC_ALLOWED_GROUPS nor OIDC_ADMIN_GROUPS/,
    );
    for (const bad of ["team-a", "team-a:", "team-a:Tenant", ":x", "team-a:a,team-a:b"]) {
      expect(() => loadConfig({ ...base, OIDC_QUEUE_GROUPS: bad })).toThrow(ConfigError);
    }
    // A group named like an object's own property is only a name.
    expect(() => loadConfig({ ...base, OIDC_QUEUE_GROUPS: "constructor:a" })).toThrow(/neither/);
  });
});
