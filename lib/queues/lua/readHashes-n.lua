--[[
  Reads many small hashes in one call: a DLQ page's metadata hashes.

  KEYS[1..n] HASH each (missing ones read as empty)
  ARGV[1]    most fields read from one hash

  Returns one flat field/value array per key. A hash larger than ARGV[1]
  fields gives one HSCAN page, so a hostile hash cannot make a page slow.
]]
local most = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call("HLEN", key) <= most then
    out[i] = redis.call("HGETALL", key)
  else
    out[i] = redis.call("HSCAN", key, 0, "COUNT", most)[2]
  end
end
return out
