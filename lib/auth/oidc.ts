import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getConfig, type Config } from "../config";
import { logLine } from "../log";
import type { Role } from "./users";
import { highestRole, type QueueGrant } from "../access";

/**
 * Single sign-on with an OpenID Connect issuer (OIDC_ISSUER, OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET). An account at the issuer is not enough to get in: the
 * user must be allowed by e-mail domain, by group or by being a listed admin,
 * and an e-mail counts only when the issuer says it is verified, since many
 * issuers let users type any address into their profile.
 */
declare module "next-auth" {
  interface User {
    /** Why the issuer's user may not log in; the signIn callback refuses such a user. */
    denied?: string;
    groups?: string[];
  }
}

/**
 * The grants an SSO session's user has under the configuration now, from
 * what the session kept of the login (the verified e-mail, the groups that
 * counted), or null when they are no longer allowed at all.
 */
export function oidcGrantsNow(
  session: { sub: string; email: string | null; groups: string[] },
  config: OidcSettings,
): QueueGrant[] | null {
  const identity = oidcIdentity(
    {
      sub: session.sub,
      email: session.email ?? undefined,
      email_verified: true,
      [config.OIDC_GROUPS_CLAIM]: session.groups,
    },
    config,
  );
  return "denied" in identity ? null : identity.grants;
}

/** The claims of the id token, as the issuer sent them: nothing in here is trusted yet. */
export type OidcClaims = Record<string, unknown>;

export interface OidcIdentity {
  id: string;
  /** The verified e-mail, else `sub`: what the session and the audit log name. */
  name: string;
  email: string | null;
  /** The highest role of the grants. */
  role: Role;
  /** One grant per way the user is allowed in: an admin e-mail, the domain, each group. */
  grants: QueueGrant[];
  /** The groups that counted (allowed or admin), kept in the session to check it again later. */
  groups: string[];
}

type OidcSettings = Pick<
  Config,
  | "OIDC_ADMIN_EMAILS"
  | "OIDC_ADMIN_GROUPS"
  | "OIDC_ALLOWED_DOMAINS"
  | "OIDC_ALLOWED_GROUPS"
  | "OIDC_GROUPS_CLAIM"
  | "OIDC_QUEUE_GROUPS"
>;

/** Whether anyone at all is allowed: without a list every account at the issuer would get in. */
export function hasOidcAllowList(config: OidcSettings): boolean {
  return (
    config.OIDC_ALLOWED_DOMAINS.length > 0 ||
    config.OIDC_ALLOWED_GROUPS.length > 0 ||
    config.OIDC_ADMIN_EMAILS.length > 0 ||
    config.OIDC_ADMIN_GROUPS.length > 0
  );
}

function claimStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The domain of an address: what follows the last @, or null when there is none. */
function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  return at > 0 && at < email.length - 1 ? email.slice(at + 1) : null;
}

/**
 * Decides who an issuer's user is here, or why they may not log in. An e-mail
 * the issuer has not verified refuses the login outright, even for a listed
 * admin: someone else's address typed into a profile must not borrow that
 * person's access. A user without an e-mail can still get in by group, named
 * by `sub`. The display name is never the identity, since users can edit it.
 */
export function oidcIdentity(
  profile: OidcClaims,
  config: OidcSettings,
): OidcIdentity | { denied: string } {
  const sub = typeof profile.sub === "string" ? profile.sub : "";
  if (!sub) return { denied: "the id token has no subject" };
  const rawEmail = typeof profile.email === "string" ? profile.email.trim().toLowerCase() : "";
  const verified = profile.email_verified === true || profile.email_verified === "true";
  if (rawEmail && !verified) return { denied: "the e-mail address is not verified" };
  const email = rawEmail || null;
  const groups = claimStrings(profile[config.OIDC_GROUPS_CLAIM]);
  const grants = grantsOf(email, groups, config);
  if (grants.length === 0) return { denied: "neither the e-mail domain nor a group is allowed" };
  const known = new Set([...config.OIDC_ALLOWED_GROUPS, ...config.OIDC_ADMIN_GROUPS]);
  return {
    id: sub,
    name: email ?? sub,
    email,
    role: highestRole(grants),
    grants,
    groups: groups.filter((g) => known.has(g)),
  };
}

/**
 * Every way the user is allowed in, each a grant: an admin e-mail (admin of
 * every queue), the e-mail's domain (viewer of every queue), each admin or
 * allowed group (over the queues OIDC_QUEUE_GROUPS gives it, else every queue).
 */
function grantsOf(email: string | null, groups: string[], config: OidcSettings): QueueGrant[] {
  const grants: QueueGrant[] = [];
  const domain = email ? emailDomain(email) : null;
  if (email !== null && config.OIDC_ADMIN_EMAILS.includes(email)) {
    grants.push({ role: "admin", queues: null });
  }
  if (domain !== null && config.OIDC_ALLOWED_DOMAINS.includes(domain)) {
    grants.push({ role: "viewer", queues: null });
  }
  for (const group of new Set(groups)) {
    const queues = config.OIDC_QUEUE_GROUPS.get(group) ?? null;
    if (config.OIDC_ADMIN_GROUPS.includes(group)) grants.push({ role: "admin", queues });
    if (config.OIDC_ALLOWED_GROUPS.includes(group)) grants.push({ role: "viewer", queues });
  }
  return grants;
}

export function oidcProvider(config: Config): OAuthConfig<OidcClaims> | null {
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
    // With idToken, next-auth hands profile() the id token's claims (userinfo is not fetched),
    // so the groups claim must be in the id token.
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile) {
      const identity = oidcIdentity(profile, config);
      if ("denied" in identity) {
        logLine("warn", "single sign-on refused", {
          sub: profile.sub,
          email: profile.email,
          reason: identity.denied,
        });
        return { id: typeof profile.sub === "string" ? profile.sub : "?", denied: identity.denied };
      }
      return identity;
    },
  };
}

export function isOidcConfigured(config: Config = getConfig()): boolean {
  return oidcProvider(config) !== null;
}
