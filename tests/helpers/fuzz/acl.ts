import { loadConfig } from "@/lib/config";
import { aclSetUserArgs, redriveKeyPatterns } from "@/lib/redis-acl";

/**
 * The least-privilege Redis user the fuzzed server runs as: exactly the user
 * the README prints (lib/redis-acl.ts), for the default configuration.
 */

const config = loadConfig({ NODE_ENV: "test" });
export const QUEUES = config.QUEUES;
export const ACL_PASSWORD = "fuzz-password-fuzz-password";
/** Every key pattern Redrive's default configuration is granted, and nothing else. */
export const ACL_KEYS = redriveKeyPatterns(config);
/** ACL SETUSER's arguments after the user name. */
export const ACL_RULES = aclSetUserArgs(config, "fuzz", ACL_PASSWORD).slice(1);
