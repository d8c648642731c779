--[[
  Deletes up to ARGV[1] (at most 1000) of the oldest entries of a list.

  KEYS[1] DLQ LIST (newest at index 0)
  ARGV[1] how many

  Returns how many went. Their metadata hashes expire with the retention.
]]
local len = redis.call("LLEN", KEYS[1])
local n = math.min(len, tonumber(ARGV[1]))
if n > 0 then redis.call("LTRIM", KEYS[1], 0, -n - 1) end
return n
