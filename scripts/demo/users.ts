import { randomBytes } from "node:crypto";
import { hashPassword } from "../../lib/auth/users";

/**
 * The demo's two dashboard users with passwords made for this run (printed in
 * the banner): an admin who can requeue, delete and purge, and a viewer who
 * can only look.
 */
export interface DemoUser {
  name: string;
  role: "admin" | "viewer";
  password: string;
}

/** 12 characters of base64url: easy to type, too many to guess. */
const newPassword = () => randomBytes(9).toString("base64url");

export async function demoUsers(): Promise<{ users: DemoUser[]; redriveUsers: string }> {
  const users: DemoUser[] = [
    { name: "admin", role: "admin", password: newPassword() },
    { name: "viewer", role: "viewer", password: newPassword() },
  ];
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
  const redriveUsers = users.map((u, i) => `${u.name}:${u.role}:${hashes[i]}`).join(",");
  return { users, redriveUsers };
}
