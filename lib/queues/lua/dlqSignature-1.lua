--[[
  A DLQ's signature for the insights memo (lib/metrics/insights.ts): its
  length, and the size and sha1 of the entries at the given indices. A few
  dozen bytes whatever the entries hold (each is still copied and hashed
  inside Redis, as any read of it is), one call per queue.

  KEYS[1] LIST
  ARGV[1..] indices (negative ones count from the end)

  Returns the length, then for each index "<bytes>:<sha1>", or "-" past the end.
]]
local out = { redis.call("LLEN", KEYS[1]) }
for i = 1, #ARGV do
  local entry = redis.call("LINDEX", KEYS[1], ARGV[i])
  if entry then
    out[#out + 1] = #entry .. ":" .. redis.sha1hex(entry)
  else
    out[#out + 1] = "-"
  end
end
return out
