--[[
  Counts one denied request in a minute's hash of denial counts. A field
  beyond the bound counts in the field "overflow" instead, so that the hash
  stays small whoever sends the requests.

  KEYS[1]  HASH redrive:audit:denied:<epoch-minute>
  ARGV[1]  the field (user and action, as JSON)
  ARGV[2]  most distinct fields
  ARGV[3]  the key's lifetime in seconds

  Returns {count of the field, 1 if it went to "overflow" else 0}.
]]
local field = ARGV[1]
local overflow = 0
if redis.call("HEXISTS", KEYS[1], field) == 0 and redis.call("HLEN", KEYS[1]) >= tonumber(ARGV[2]) then
  field = "overflow"
  overflow = 1
end
local n = redis.call("HINCRBY", KEYS[1], field, 1)
if redis.call("TTL", KEYS[1]) < 0 then
  redis.call("EXPIRE", KEYS[1], ARGV[3])
end
return {n, overflow}
