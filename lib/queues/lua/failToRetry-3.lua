--[[
  Moves a failed message from the processing list to the retry set.

  KEYS[1] processing LIST
  KEYS[2] leases HASH
  KEYS[3] retry ZSET
  ARGV[1] the message as taken
  ARGV[2] its sha1
  ARGV[3] due time, Unix epoch seconds
  ARGV[4] the message to schedule (retry_count incremented)

  Returns 1; -3 (LOST) when the message is no longer in the processing list;
  -4 (DUPLICATE) when an identical member is already scheduled (a set would
  merge the two, losing one): nothing moves, the caller makes it unique.
]]
if redis.call("ZSCORE", KEYS[3], ARGV[4]) then return -4 end
-- Refused before any write: a push that failed after the removal would lose
-- the message (a script's writes are not undone).
local kind = redis.call("TYPE", KEYS[3])["ok"]
if kind ~= "zset" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. KEYS[3] .. " holds a " .. kind .. ", not a zset")
end
if redis.call("LREM", KEYS[1], -1, ARGV[1]) == 0 then return -3 end
redis.call("ZADD", KEYS[3], ARGV[3], ARGV[4])
redis.call("HDEL", KEYS[2], ARGV[2])
return 1
