--[[
  Promotes due retries to their work queue, oldest due first.

  KEYS[1] retry ZSET (score = due time, Unix epoch seconds, fractions allowed)
  KEYS[2] work LIST (producers LPUSH, consumers take from the right)
  ARGV[1] now, Unix epoch seconds
  ARGV[2] limit, at most 1000 members per call

  Returns the number of members moved.

  The due members are the lowest ranks of the set, so the range read and the
  range removed are the same ranks: ZREMRANGEBYRANK needs no member lookups.
]]
local due = redis.call("ZRANGE", KEYS[1], "-inf", ARGV[1], "BYSCORE", "LIMIT", 0, tonumber(ARGV[2]))
local n = #due
if n == 0 then return 0 end
redis.call("LPUSH", KEYS[2], unpack(due))
redis.call("ZREMRANGEBYRANK", KEYS[1], 0, n - 1)
return n
