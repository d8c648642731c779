--[[
  Counts a login attempt before its password is compared: refuses it when any
  counter has reached its limit, else adds one to every counter, in one step,
  so that concurrent attempts cannot all pass a check made before any of them
  was counted.

  KEYS[1..n]   STRING counters (one hash slot: they share the {login} tag)
  ARGV[2i-1]   limit of KEYS[i]
  ARGV[2i]     window of KEYS[i] in seconds, started by its first count

  Returns 0 when the attempt may go on, else the seconds until the longest
  block among the full counters ends (at least 1).
]]
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call("GET", key) or "0")
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call("TTL", key)
    if ttl < 0 then
      ttl = tonumber(ARGV[2 * i])
      redis.call("EXPIRE", key, ttl)
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call("INCR", key)
  redis.call("EXPIRE", key, ARGV[2 * i], "NX")
end
return 0
