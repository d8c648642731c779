import "server-only";
import { ConfigError, getConfig, type Config } from "../config";
import { hasOidcAllowList, isOidcConfigured } from "./oidc";
import { loadUsers } from "./users";

/**
 * What production refuses to start without: a session secret, at least one
 * way to log in, and for single sign-on a list of who may use it. There is no
 * default password; only the demo makes one.
 */
export function productionAuthProblems(config: Config): string[] {
  if (config.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  if (!config.NEXTAUTH_SECRET) {
    problems.push("NEXTAUTH_SECRET: required in production (e.g. openssl rand -base64 32)");
  }
  let users = 0;
  try {
    users = loadUsers(config).length;
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (users === 0 && !isOidcConfigured(config)) {
    problems.push(
      "REDRIVE_USERS: at least one user (name:role:bcrypt-hash, see npm run hash-password) or an OIDC provider is required",
    );
  }
  if (isOidcConfigured(config) && !hasOidcAllowList(config)) {
    problems.push(
      "OIDC_ALLOWED_DOMAINS, OIDC_ALLOWED_GROUPS, OIDC_ADMIN_EMAILS or OIDC_ADMIN_GROUPS: at least one is required with single sign-on, or every account at the issuer could log in",
    );
  }
  return problems;
}

/**
 * Validates the environment and the production requirements (the auth ones
 * and the caller's `more`), or exits 1 saying why.
 */
export function exitOnStartupProblems(more: (config: Config) => string[] = () => []): void {
  try {
    const config = getConfig();
    const problems = [...productionAuthProblems(config), ...more(config)];
    if (problems.length > 0) throw new ConfigError(problems);
  } catch (error) {
    process.stderr.write(
      `Redrive cannot start:\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
