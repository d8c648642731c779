--[[
  Requeues or deletes list entries named by position and identity.

  KEYS[1] source LIST (a DLQ)
  KEYS[2] destination LIST (the work queue; unused when deleting)
  ARGV[1] mode: "requeue" or "delete"
  ARGV[2] tombstone: a value no producer writes (it holds a NUL byte)
  ARGV[3..] groups of three: index, sha1 of the entry seen there, the bytes to
            push to the destination

  Returns a table with one entry per group: 1 when moved, 0 when the entry at
  that index is no longer the one named (the caller then searches by identity).

  Each hit is overwritten with the tombstone, then the tombstones are removed in
  one LREM scanning from the nearer end, so that a duplicate of the entry
  elsewhere in the list is never taken instead of it. The caller deletes the
  moved entries' metadata hashes afterwards (deleteMetadata-1.lua): their keys
  hash to other Cluster slots than the lists.
]]
local src, dst = KEYS[1], KEYS[2]
local requeue = ARGV[1] == "requeue"
local tomb = ARGV[2]
local len = redis.call("LLEN", src)
local result, pushes = {}, {}
local hits, lowest, highest = 0, len, -1
for i = 3, #ARGV, 3 do
  local index = tonumber(ARGV[i])
  local value = redis.call("LINDEX", src, index)
  if value and redis.sha1hex(value) == ARGV[i + 1] then
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
if hits == 0 then return result end
if len - 1 - lowest < highest then
  redis.call("LREM", src, -hits, tomb)
else
  redis.call("LREM", src, hits, tomb)
end
if requeue then redis.call("LPUSH", dst, unpack(pushes)) end
return result
