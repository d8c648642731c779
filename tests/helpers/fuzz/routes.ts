import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { READ_LIMITS } from "@/lib/queues/read";

/** The fuzzed routes: every route file under app/api/admin and app/api/session, and next-auth's. */

type Kind = "list" | "message" | "small" | "auth";
export interface Route {
  template: string;
  method: string;
  kind: Kind;
  mutation: boolean;
}

function walk(dir: string): Route[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    if (name !== "route.ts") return [];
    const template = `/${relative("app", dir)}`;
    const methods = [
      ...readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g),
    ].map((m) => m[1]!);
    return methods.map((method) => ({
      template,
      method,
      mutation: method !== "GET",
      kind: (template.includes("/message/")
        ? "message"
        : /\/(dlq|retry)\/\[queue\]$/.test(template)
          ? "list"
          : "small") as Kind,
    }));
  });
}

const AUTH_ROUTES: Route[] = [
  ["/api/auth/csrf", "GET"],
  ["/api/auth/session", "GET"],
  ["/api/auth/session", "POST"],
  ["/api/auth/callback/credentials", "GET"],
  ["/api/auth/callback/credentials", "POST"],
].map(([template, method]) => ({
  template: template!,
  method: method!,
  kind: "auth",
  mutation: true,
}));

// Session routes and next-auth last: "sign out everywhere" ends the phase's session,
// and failed logins start the login throttle.
export const ROUTES: Route[] = [
  ...walk("app/api/admin"),
  ...walk("app/api/session"),
  ...AUTH_ROUTES,
];

const MB = 1024 * 1024;
/** The most a response may carry: lists cut entries at 64 KB, one message is whole up to 16 MB. */
export const BOUND: Record<Kind, number> = {
  list: 2 * MB,
  message: READ_LIMITS.messageBytes + MB,
  small: 2 * MB,
  auth: 64 * 1024,
};
/** One listed entry: raw and payload cut at 64 KB each, the stack at 64 KB, metadata values at 4 KB. */
export const LIST_ENTRY_BOUND = 256 * 1024;
