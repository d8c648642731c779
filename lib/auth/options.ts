import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "../config";
import { oidcProvider } from "./oidc";
import { loadUsers, verifyPassword, type Role } from "./users";

/**
 * next-auth (v4): a credentials provider over the users from env, and an
 * optional OIDC provider for single sign-on (./oidc.ts decides who gets in and
 * with which role). Sessions are signed JWT cookies.
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

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  const users = loadUsers(config);
  const oidc = oidcProvider(config);
  cached = {
    secret: config.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    // Refused logins (error=AccessDenied) land on the login page too, which says why.
    pages: { signIn: "/login", error: "/login" },
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
      signIn({ user }) {
        return !user.denied;
      },
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
