/**
 * `npm run redis-acl [-- <user>]`: prints the ACL SETUSER line of the
 * least-privilege Redis user Redrive needs for this configuration (QUEUES and
 * the REDIS_QUEUE_/RETRY_/DLQ_ key names decide its key patterns). Replace
 * CHANGE-ME with the password before running it at the redis-cli prompt. See lib/redis-acl.ts.
 */
import { ConfigError, getConfig } from "../lib/config";
import { aclSetUserLine } from "../lib/redis-acl";

const user = process.argv[2] ?? "redrive";
if (!/^[A-Za-z0-9_.-]{1,64}$/.test(user)) {
  process.stderr.write("usage: npm run redis-acl -- [user name of letters, digits, _ . -]\n");
  process.exit(2);
}
try {
  process.stdout.write(`${aclSetUserLine(getConfig(), user)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
