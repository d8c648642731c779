--[[
  "Retry now" for one scheduled retry: moves it to its work queue at once.

  KEYS[1] retry ZSET
  KEYS[2] work LIST
  ARGV[1] the member

  Returns 1 when moved, 0 when it is no longer scheduled (promoted already).
]]
-- Refused before any write: a push that failed after the removal would lose
-- the message (a script's writes are not undone).
local kind = redis.call("TYPE", KEYS[2])["ok"]
if kind ~= "list" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. KEYS[2] .. " holds a " .. kind .. ", not a list")
end
if redis.call("ZREM", KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call("LPUSH", KEYS[2], ARGV[1])
return 1
