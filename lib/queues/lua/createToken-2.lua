--[[
  Stores a new API token's record (lib/auth/tokens.ts) unless a live token
  has its name or the hash holds the most tokens it may. Tokens expired for
  more than ARGV[6] seconds are dropped first: a list of them says nothing
  more once nobody can mistake them for live ones.

  KEYS[1] HASH <prefix>:{tokens} (field id -> record JSON)
  KEYS[2] HASH <prefix>:{tokens}:used (field id -> last use)
  ARGV[1] id, ARGV[2] the record as JSON, ARGV[3] its name
  ARGV[4] the most tokens kept, ARGV[5] now (epoch seconds)
  ARGV[6] how long an expired token stays listed

  Returns "ok", "taken" (a live token has the name), "full" or "collision"
  (the id is in use: the caller draws another).
]]
local key, name, now = KEYS[1], ARGV[3], tonumber(ARGV[5])
local keepExpired = tonumber(ARGV[6])
local all = redis.call("HGETALL", key)
for i = 1, #all, 2 do
  local ok, record = pcall(cjson.decode, all[i + 1])
  local expiresAt = ok and type(record) == "table" and tonumber(record.expiresAt) or nil
  if expiresAt and expiresAt + keepExpired < now then
    redis.call("HDEL", key, all[i])
    redis.call("HDEL", KEYS[2], all[i])
  elseif expiresAt and expiresAt > now and record.name == name then
    return "taken"
  end
end
if redis.call("HLEN", key) >= tonumber(ARGV[4]) then return "full" end
if redis.call("HSETNX", key, ARGV[1], ARGV[2]) == 0 then return "collision" end
return "ok"
