import "server-only";
import { readFileSync } from "node:fs";
import bcrypt from "bcrypt";
import type { Config } from "../config";

/**
 * Dashboard users, from REDRIVE_USERS and/or REDRIVE_USERS_FILE: entries
 * `name:role:bcrypt-hash`, separated by commas or new lines (a file may have
 * `#` comments). Make a hash with `npm run hash-password`.
 */
export type Role = "admin" | "viewer";

export interface User {
  name: string;
  role: Role;
  hash: string;
}

const ENTRY = /^([A-Za-z0-9_.@-]{1,64}):(admin|viewer):(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})$/;

export class UsersError extends Error {}

export function parseUsers(text: string, source: string): User[] {
  return text
    .split(/[,\n]/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((entry, i) => {
      const m = ENTRY.exec(entry);
      if (!m) {
        throw new UsersError(
          `${source}: entry ${i + 1} is not name:role:bcrypt-hash (role admin or viewer; make a hash with npm run hash-password)`,
        );
      }
      return { name: m[1]!, role: m[2] as Role, hash: m[3]! };
    });
}

export function loadUsers(config: Config): User[] {
  const users = config.REDRIVE_USERS ? parseUsers(config.REDRIVE_USERS, "REDRIVE_USERS") : [];
  if (config.REDRIVE_USERS_FILE) {
    users.push(
      ...parseUsers(readFileSync(config.REDRIVE_USERS_FILE, "utf8"), config.REDRIVE_USERS_FILE),
    );
  }
  return users;
}

/** Compared when the name is unknown, so that the answer takes as long either way. */
const DUMMY_HASH = bcrypt.hashSync("redrive-no-such-user", 10);

export async function verifyPassword(
  users: User[],
  name: string,
  password: string,
): Promise<User | null> {
  const user = users.find((u) => u.name === name);
  const ok = await bcrypt.compare(password, user?.hash ?? DUMMY_HASH);
  return user && ok ? user : null;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}
