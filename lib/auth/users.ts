import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import bcrypt from "bcrypt";
import type { Config } from "../config";
import { parseQueueScope, type Role } from "../access";

/**
 * Dashboard users, from REDRIVE_USERS and/or REDRIVE_USERS_FILE: entries
 * `name:role:bcrypt-hash`, separated by commas or new lines (a file may have
 * `#` comments). Make a hash with `npm run hash-password`. A fourth field
 * limits the user to some queues: `name:role:hash:tenant-a-*|billing` (the
 * role holds on those queues only, and the others do not exist for the user;
 * see ../access.ts).
 */
export type { Role } from "../access";

export interface User {
  name: string;
  role: Role;
  hash: string;
  /** Globs of the queues the role covers; null for every queue. */
  queues: string[] | null;
}

const ENTRY =
  /^([A-Za-z0-9_.@-]{1,64}):(admin|viewer):(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})(?::([^:]{1,4000}))?$/;

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
          `${source}: entry ${i + 1} is not name:role:bcrypt-hash or name:role:bcrypt-hash:queues (role admin or viewer; make a hash with npm run hash-password)`,
        );
      }
      const queues = m[4] === undefined ? null : parseQueueScope(m[4], `${source}: entry ${i + 1}`);
      if (typeof queues === "string") throw new UsersError(queues);
      return { name: m[1]!, role: m[2] as Role, hash: m[3]!, queues };
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

/**
 * The configured users now: REDRIVE_USERS, and REDRIVE_USERS_FILE read again
 * when its size or time changes (looked at no more than every 5 s), so
 * that removing or demoting a user needs no restart.
 */
let current: { users: User[]; stamp: string; checked: number } | undefined;

export function currentUsers(config: Config, now = Date.now()): User[] {
  const every = Math.min(5_000, config.SESSION_RECHECK_SECONDS * 1000);
  if (current && now - current.checked < every) return current.users;
  const stamp = fileStamp(config.REDRIVE_USERS_FILE);
  if (!current || stamp !== current.stamp) {
    try {
      current = { users: loadUsers(config), stamp, checked: now };
    } catch (error) {
      // A file caught half-written keeps the last good list; the next look tries again.
      if (!current) throw error;
    }
  }
  current.checked = now;
  return current.users;
}

function fileStamp(file: string | undefined): string {
  if (!file) return "";
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return "missing";
  }
}

/**
 * Password hashing runs on libuv's thread pool (the native binding), never on
 * the event loop; at most `max` at once in this process, and at most `queued`
 * more waiting. Past that a login is refused at once (BusyError) instead of
 * queueing CPU work without end.
 */
export class BusyError extends Error {}

export class HashGate {
  private running = 0;
  private waiting: (() => void)[] = [];
  constructor(
    private readonly max: number,
    private readonly queued = max * 8,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.queued) throw new BusyError("too many logins at once");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The cost (log2 rounds) of a bcrypt hash. */
export function costOf(hash: string): number {
  return Number(hash.slice(4, 6));
}

const DEFAULT_COST = 12;
const dummies = new Map<number, Promise<string>>();

/**
 * What an unknown name is compared against: a hash of the same cost as the
 * configured users' (the highest), so that the answer takes as long as for a
 * real user and timing does not tell which names exist.
 */
export function dummyHash(users: User[]): Promise<string> {
  const cost = users.reduce((max, u) => Math.max(max, costOf(u.hash)), 0) || DEFAULT_COST;
  let hash = dummies.get(cost);
  if (!hash) {
    hash = bcrypt.hash(randomBytes(16).toString("hex"), cost);
    dummies.set(cost, hash);
  }
  return hash;
}

export async function verifyPassword(
  users: User[],
  name: string,
  password: string,
  gate?: HashGate,
): Promise<User | null> {
  const user = users.find((u) => u.name === name);
  const hash = user?.hash ?? (await dummyHash(users));
  const compare = () => bcrypt.compare(password, hash);
  const ok = await (gate ? gate.run(compare) : compare());
  return user && ok ? user : null;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}
