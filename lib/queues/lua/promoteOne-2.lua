--[[
  "Retry now" for one scheduled retry: moves it to its work queue at once.

  KEYS[1] retry ZSET
  KEYS[2] work LIST
  ARGV[1] the member

  Returns 1 when moved, 0 when it is no longer scheduled (promoted already).
]]
if redis.call("ZREM", KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call("LPUSH", KEYS[2], ARGV[1])
return 1
