import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getConfig, type Config } from "../config";
import { loadUsers, verifyPassword, type Role } from "./users";

/**
 * next-auth (v4): a credentials provider over the users from env, and an
 * optional OIDC provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) for
 * single sign-on, whose users are admins when their email is in
 * OIDC_ADMIN_EMAILS and viewers otherwise. Sessions are signed JWT cookies.
 */
declare module "next-auth" {
  interface User {
    role?: Role;
  }
  interface Session {
    user: { name: string; role: Role; email?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
  }
}

interface OidcProfile {
  sub: string;
  email?: string;
  name?: string;
  preferred_username?: string;
}

function oidcProvider(config: Config): OAuthConfig<OidcProfile> | null {
  const {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
  } = config;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    id: "oidc",
    name: "Single sign-on",
    type: "oauth",
    wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile) {
      const email = profile.email?.toLowerCase() ?? null;
      return {
        id: profile.sub,
        name: profile.name ?? profile.preferred_username ?? email ?? profile.sub,
        email,
        role: email && config.OIDC_ADMIN_EMAILS.includes(email) ? "admin" : "viewer",
      };
    },
  };
}

export function isOidcConfigured(config: Config = getConfig()): boolean {
  return oidcProvider(config) !== null;
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  const users = loadUsers(config);
  const oidc = oidcProvider(config);
  cached = {
    secret: config.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Password",
        credentials: {
          username: { label: "User", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          const user = await verifyPassword(
            users,
            credentials?.username ?? "",
            credentials?.password ?? "",
          );
          return user ? { id: user.name, name: user.name, role: user.role } : null;
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.role) token.role = user.role;
        return token;
      },
      session({ session, token }) {
        session.user = { name: token.name ?? "", email: token.email, role: token.role ?? "viewer" };
        return session;
      },
    },
  };
  return cached;
}
