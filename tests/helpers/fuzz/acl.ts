/**
 * The least-privilege Redis user the fuzzed server runs as (the ACL the
 * README recommends): Redrive's own keys and nothing else.
 */

export const QUEUES = ["document", "audio", "video", "graph"];
export const ACL_PASSWORD = "fuzz-password-fuzz-password";
/** Every key Redrive's default configuration touches, and nothing else. */
export const ACL_KEYS = [
  ...QUEUES.flatMap((q) => [
    `${q}_queue`,
    `${q}_queue:processing`,
    `${q}_queue:processing:leases`,
    `${q}_retry`,
    `${q}_dlq`,
  ]),
  "dlq:metadata:*",
  "redrive:*",
  "user:*",
  "job:status:*",
  "doc:summary:*",
  "vector:search:*",
  "graph:*",
  "users:*",
];
// INFO is @dangerous, and both ioredis' ready check and the cache page need it.
export const ACL_RULES = ["reset", "on", `>${ACL_PASSWORD}`, "resetchannels"]
  .concat(ACL_KEYS.map((k) => `~${k}`))
  .concat(["+@all", "-@dangerous", "+info"]);
