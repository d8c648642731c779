--[[
  Requeues, schedules or deletes list entries named by position and exact bytes.

  KEYS[1] source LIST (a DLQ)
  KEYS[2] destination: the work queue LIST ("requeue"), the retry ZSET
          ("schedule"), unused when deleting
  ARGV[1] mode: "requeue", "schedule" or "delete"
  ARGV[2] tombstone: a value no producer writes (it holds a NUL byte)
  ARGV[3] byte budget of the entries read: once they reach it, the remaining
          groups are not looked at (the caller sends at most this much, so it
          is reached only when the list changed under it)
  ARGV[4] "schedule": the due time, the members' score; "" otherwise
  ARGV[5..] groups of three: index, the entry as the caller read it there,
            the bytes to push to the destination

  Returns {results, bytes read}: one result per group, 1 when moved, 0 when
  the entry at that index is no longer the one read, or was not looked at
  (the caller then searches by identity), 2 when scheduling it would merge it
  with an identical member of the retry set (the caller makes it unique and
  sends it again; nothing is written for it).

  Entries are compared by their bytes, not by a hash: Lua interns strings, so
  the comparison is one memcmp, where sha1 costs several times the copy.
  Each hit is overwritten with the tombstone, then the tombstones are removed in
  one LREM scanning from the nearer end, so that a duplicate of the entry
  elsewhere in the list is never taken instead of it. The caller deletes the
  moved entries' metadata hashes afterwards (deleteMetadata-1.lua): their keys
  hash to other Cluster slots than the lists.
]]
local src, dst = KEYS[1], KEYS[2]
local requeue = ARGV[1] == "requeue"
local schedule = ARGV[1] == "schedule"
local tomb = ARGV[2]
local budget = tonumber(ARGV[3])
local due = tonumber(ARGV[4])
if schedule and (not due or due ~= due) then
  return redis.error_reply("ERR schedule needs a due time, not " .. ARGV[4])
end
-- Refused before any write: a push that failed after the removal would lose
-- the message (a script's writes are not undone).
local kind = redis.call("TYPE", dst)["ok"]
if requeue and kind ~= "list" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. dst .. " holds a " .. kind .. ", not a list")
end
if schedule and kind ~= "zset" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. dst .. " holds a " .. kind .. ", not a sorted set")
end
-- A member already scheduled, or twice in this call, would absorb the other.
local members = {}
local function taken(push)
  if not schedule then return false end
  if members[push] or redis.call("ZSCORE", dst, push) then return true end
  members[push] = true
  return false
end
local len = redis.call("LLEN", src)
local result, pushes = {}, {}
local hits, lowest, highest, read = 0, len, -1, 0
for i = 5, #ARGV, 3 do
  local index = tonumber(ARGV[i])
  local value = read < budget and redis.call("LINDEX", src, index)
  if value then read = read + #value end
  if value and value == ARGV[i + 1] and taken(ARGV[i + 2]) then
    result[#result + 1] = 2
  elseif value and value == ARGV[i + 1] then
    redis.call("LSET", src, index, tomb)
    hits = hits + 1
    if index < lowest then lowest = index end
    if index > highest then highest = index end
    pushes[#pushes + 1] = ARGV[i + 2]
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end
if hits > 0 then
  if len - 1 - lowest < highest then
    redis.call("LREM", src, -hits, tomb)
  else
    redis.call("LREM", src, hits, tomb)
  end
  if requeue then redis.call("LPUSH", dst, unpack(pushes)) end
  if schedule then
    for _, push in ipairs(pushes) do redis.call("ZADD", dst, due, push) end
  end
end
return {result, read}
