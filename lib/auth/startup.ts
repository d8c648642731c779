import "server-only";
import type { Config } from "../config";
import { isOidcConfigured } from "./options";
import { loadUsers } from "./users";

/**
 * What production refuses to start without: a session secret and at least one
 * way to log in. There is no default password; only the demo makes one.
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
  return problems;
}
