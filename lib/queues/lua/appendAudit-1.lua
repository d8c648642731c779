--[[
  Appends audit entries to a stream and drops those older than its retention,
  by Redis's own clock (the one that makes the stream ids). The age trim is
  exact: an approximate one keeps old entries that share a radix node with new
  ones, and an audit log read by age should not.

  KEYS[1]   STREAM of audit entries
  ARGV[1]   MAXLEN (approximate)
  ARGV[2]   retention in ms
  ARGV[3..] entry JSONs, oldest first, each stored in the field "e"

  Returns the new entries' ids.
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[1], "*", "e", ARGV[i])
end
local minid = now - tonumber(ARGV[2])
if minid > 0 then
  redis.call("XTRIM", KEYS[1], "MINID", string.format("%d", minid))
end
return ids
