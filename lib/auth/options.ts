import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig, type Config } from "../config";
import type { RedisClient } from "../redis/client";
import { isRedisUnavailable } from "../redis/errors";
import { safeCallbackPath } from "./redirect";
import { deviceOf } from "./device";
import { oidcProvider } from "./oidc";
import { createSession, endSession, sessionLifetimeMs } from "./sessions";
import { beginLogin, loginSucceeded } from "./throttle";
import { BusyError, currentUsers, HashGate, verifyPassword, type Role } from "./users";

/**
 * next-auth (v4): a credentials provider over the configured users, and an
 * optional OIDC provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) for
 * single sign-on. Sessions are signed JWT cookies naming a session record in
 * Redis (sessions.ts), which is what ends them.
 */
declare module "next-auth" {
  interface User {
    role?: Role;
    display?: boolean;
  }
  interface Session {
    user: { name: string; role: Role; email?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** The session record's id (redrive:session:<sid>). */
    sid?: string;
    /** When the user logged in, epoch ms: the session's absolute lifetime counts from here. */
    loginAt?: number;
    /** A read-only display session (see sessions.ts). */
    display?: boolean;
    provider?: string;
    /** SSO: the groups that let the user in, to check the session against the allow-list later. */
    groups?: string[];
  }
}

/**
 * Why a credentials login was refused before its password was compared. The
 * message travels in next-auth's `error=` parameter; the auth route turns it
 * into the HTTP status (429, 503).
 */
export const LOGIN_REFUSALS = {
  throttled: "TooManyAttempts",
  busy: "Busy",
  unavailable: "Unavailable",
} as const;

type HeaderRecord = Record<string, string | undefined>;

/** What next-auth's callbacks need from the server around them. */
export interface AuthDeps {
  /** The dashboard's Redis connection, once connected. */
  redis(): Promise<RedisClient>;
  /** The client address of a request, from its headers (set by the front layer). */
  clientOf(headers: Headers): string;
}

/**
 * Checks a user name and password where next-auth asks for it, whatever URL
 * reached it: the attempt is counted first (throttle.ts), then the password is
 * compared on the thread pool under a per-process ceiling (users.ts).
 */
async function checkCredentials(
  deps: AuthDeps,
  config: Config,
  gate: HashGate,
  credentials: Record<string, string> | undefined,
  headers: HeaderRecord,
) {
  try {
    return await throttledCheck(deps, config, gate, credentials, headers);
  } catch (error) {
    throw isRedisUnavailable(error) ? new Error(LOGIN_REFUSALS.unavailable) : error;
  }
}

async function throttledCheck(
  deps: AuthDeps,
  config: Config,
  gate: HashGate,
  credentials: Record<string, string> | undefined,
  headers: HeaderRecord,
) {
  const name = String(credentials?.username ?? "").slice(0, 200);
  const password = String(credentials?.password ?? "").slice(0, 1024);
  const redis = await deps.redis();
  const attempt = {
    name,
    client: deps.clientOf(new Headers(headersOf(headers))),
    device: deviceOf(config.NEXTAUTH_SECRET, headers.cookie, name),
  };
  const counted = await beginLogin(redis, config, attempt);
  if (!counted.allowed) throw new Error(`${LOGIN_REFUSALS.throttled}:${counted.retryAfter}`);
  const user = await verifyPassword(currentUsers(config), name, password, gate).catch((e) => {
    throw e instanceof BusyError ? new Error(LOGIN_REFUSALS.busy) : e;
  });
  if (!user) return null;
  await loginSucceeded(redis, counted);
  const display = credentials?.display === "true";
  // A display session is read-only whoever logs in to it.
  return { id: user.name, name: user.name, role: display ? "viewer" : user.role, display };
}

function headersOf(headers: HeaderRecord): [string, string][] {
  return Object.entries(headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : []));
}

/** What next-auth calls around a login: the session record is made here, and named in the JWT. */
function callbacks(deps: AuthDeps, config: Config): NextAuthOptions["callbacks"] {
  return {
    // oidc.ts marks an SSO user who may not log in (unverified, not on the allow-list).
    signIn({ user }) {
      return !user.denied;
    },
    async jwt({ token, user, account }) {
      if (!user) return token;
      const display = user.display === true;
      const session = await createSession(await deps.redis(), config, {
        user: token.name ?? user.name ?? "",
        display,
      });
      return {
        ...token,
        role: user.role ?? "viewer",
        sid: session.sid,
        loginAt: session.loginAt,
        display,
        provider: account?.provider,
        groups: user.groups,
      };
    },
    // next-auth's default parses a callbackUrl with new URL() unguarded: a value
    // such as "a b" (a query parameter or form field anyone can send) was a 500.
    redirect({ url, baseUrl }) {
      const local = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${safeCallbackPath(local)}`;
    },
    session({ session, token }) {
      session.user = { name: token.name ?? "", email: token.email, role: token.role ?? "viewer" };
      return session;
    },
  };
}

let cached: NextAuthOptions | undefined;

export function authOptions(deps: AuthDeps): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  const oidc = oidcProvider(config);
  const gate = new HashGate(config.LOGIN_MAX_CONCURRENT_HASHES);
  cached = {
    secret: config.NEXTAUTH_SECRET,
    // The cookie may live as long as the longest session; sessions.ts ends each on time.
    session: { strategy: "jwt", maxAge: Math.ceil(sessionLifetimeMs(config, true) / 1000) },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Password",
        credentials: {
          username: { label: "User", type: "text" },
          password: { label: "Password", type: "password" },
        },
        authorize: (credentials, req) =>
          checkCredentials(deps, config, gate, credentials, (req.headers ?? {}) as HeaderRecord),
      }),
      ...(oidc ? [oidc] : []),
    ],
    events: {
      async signOut({ token }) {
        if (token?.sid) await endSession(await deps.redis(), config, token.sid);
      },
    },
    callbacks: callbacks(deps, config),
  };
  return cached;
}
