--[[
  Returns a message abandoned by a dead consumer to its work queue.

  KEYS[1] processing LIST
  KEYS[2] leases HASH (sha1 -> last touch, Unix epoch seconds)
  KEYS[3] work LIST
  ARGV[1] the message
  ARGV[2] its sha1
  ARGV[3] cutoff: a lease touched after this time is alive

  Returns 1 when recovered; 0 when its lease is alive, unset or it is gone.
  It goes to the right end of the work queue: taken next, as it already waited.
]]
-- Refused before any write: a push that failed after the removal would lose
-- the message (a script's writes are not undone).
local kind = redis.call("TYPE", KEYS[3])["ok"]
if kind ~= "list" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. KEYS[3] .. " holds a " .. kind .. ", not a list")
end
local touched = redis.call("HGET", KEYS[2], ARGV[2])
if not touched or tonumber(touched) > tonumber(ARGV[3]) then return 0 end
if redis.call("LREM", KEYS[1], -1, ARGV[1]) == 0 then
  redis.call("HDEL", KEYS[2], ARGV[2])
  return 0
end
redis.call("RPUSH", KEYS[3], ARGV[1])
redis.call("HDEL", KEYS[2], ARGV[2])
return 1
