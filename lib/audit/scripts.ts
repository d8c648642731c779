import type Redis from "ioredis";

/**
 * The audit log's two Lua scripts. Each touches one key, so both run on a
 * cluster too. They are defined on the client on first use (ioredis then
 * sends EVALSHA, falling back to EVAL after a SCRIPT FLUSH or a restart).
 */

/**
 * KEYS[1] a stream; ARGV[1] its MAXLEN (approximate), ARGV[2] its retention in
 * ms, ARGV[3..] entry JSONs, oldest first. Appends them, then drops entries
 * older than the retention by Redis's clock (the one that makes the ids). The
 * age trim is exact: an approximate one keeps old entries that share a radix
 * node with new ones, and an audit log read by age should not.
 */
const APPEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
end
local minid = now - tonumber(ARGV[2])
if minid > 0 then
  redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d', minid))
end
return ids
`;

/**
 * KEYS[1] one minute's denial counts (a hash); ARGV[1] the field, ARGV[2] the
 * most distinct fields, ARGV[3] the key's lifetime in seconds. A field beyond
 * the bound counts in the field "overflow" instead, so that the hash stays
 * small whoever sends the requests. Returns {count of the field, 1 if overflow}.
 */
const COUNT_DENIAL = `
local field = ARGV[1]
local overflow = 0
if redis.call('HEXISTS', KEYS[1], field) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then
  field = 'overflow'
  overflow = 1
end
local n = redis.call('HINCRBY', KEYS[1], field, 1)
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return {n, overflow}
`;

const SCRIPTS = {
  redriveAuditAppend: APPEND,
  redriveAuditCountDenial: COUNT_DENIAL,
} as const;

type Name = keyof typeof SCRIPTS;
type Fn = (...args: (string | number)[]) => Promise<unknown>;

export function runAuditScript(
  redis: Redis,
  name: Name,
  key: string,
  args: (string | number)[],
): Promise<unknown> {
  const client = redis as unknown as Record<string, Fn | undefined>;
  if (!client[name]) redis.defineCommand(name, { lua: SCRIPTS[name], numberOfKeys: 1 });
  return client[name]!.call(redis, key, ...args);
}
