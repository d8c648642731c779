--[[
  Reads many small hashes in one call: a DLQ page's metadata hashes.

  KEYS[1..n] HASH each (missing ones read as empty)
  ARGV[1]    most fields read from one hash
  ARGV[2]    most bytes of one value (optional: whole)
  ARGV[3]    bytes of values returned by the whole call after which every
             further value is cut to ARGV[4] bytes (optional: no such budget)

  Returns one flat field/value array per key. A hash larger than ARGV[1]
  fields gives one HSCAN page, so a hostile hash cannot make a page slow; the
  value cuts keep a page's size bounded whatever the hashes hold.
]]
local most = tonumber(ARGV[1])
local valueMax = tonumber(ARGV[2] or "") or math.huge
local budget = tonumber(ARGV[3] or "") or math.huge
local spentMax = tonumber(ARGV[4] or "") or valueMax
local returned = 0
local out = {}
for i, key in ipairs(KEYS) do
  local flat
  if redis.call("HLEN", key) <= most then
    flat = redis.call("HGETALL", key)
  else
    flat = redis.call("HSCAN", key, 0, "COUNT", most)[2]
  end
  for j = 2, #flat, 2 do
    local cap = returned >= budget and spentMax or valueMax
    if #flat[j] > cap then flat[j] = string.sub(flat[j], 1, cap) end
    returned = returned + #flat[j - 1] + #flat[j]
  end
  out[i] = flat
end
return out
