--[[
  The schema hash's lock and steps (lib/schema/runner.ts). One hash holds the
  stored state's schema version and the lock of the one worker that migrates
  it, so that every step checks the lock and writes in one atomic call, in one
  Cluster slot. The lock is a lease on Redis's clock: a migrator that dies
  loses it after the lease, and another worker resumes from its progress.

  KEYS[1] schema HASH: version, release, at, lock, lockUntil (epoch ms), progress:<n>
  ARGV[1] step: "acquire", "renew", "release", "progress" or "done"
  ARGV[2] owner (worker instance id)
  ARGV[3] acquire/renew: lease ms; progress: migration number; done: version reached
  ARGV[4] progress: its JSON; done: the release that reached it
  ARGV[5] done: the progress field to remove ("progress:<n>")

  Returns 1 when the step was made, 0 when the lock is not the owner's (for
  acquire: it is another's and its lease runs; the holder is then in the reply).
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder = redis.call("HGET", KEYS[1], "lock")
local leaseUntil = tonumber(redis.call("HGET", KEYS[1], "lockUntil") or "0") or 0
local step, owner = ARGV[1], ARGV[2]
if step == "acquire" then
  if holder and holder ~= owner and leaseUntil > now then return { 0, holder } end
  redis.call("HSET", KEYS[1], "lock", owner, "lockUntil", now + tonumber(ARGV[3]))
  return { 1, owner }
end
if holder ~= owner then return 0 end
if step == "renew" then
  redis.call("HSET", KEYS[1], "lockUntil", now + tonumber(ARGV[3]))
elseif step == "release" then
  redis.call("HDEL", KEYS[1], "lock", "lockUntil")
elseif step == "progress" then
  redis.call("HSET", KEYS[1], "progress:" .. ARGV[3], ARGV[4])
elseif step == "done" then
  local version = tonumber(redis.call("HGET", KEYS[1], "version") or "1") or 1
  if tonumber(ARGV[3]) > version then
    redis.call("HSET", KEYS[1], "version", ARGV[3], "release", ARGV[4],
      "at", math.floor(now / 1000))
  end
  redis.call("HDEL", KEYS[1], ARGV[5])
else
  return redis.error_reply("unknown step " .. step)
end
return 1
