--[[
  Deletes up to ARGV[1] (at most 1000) of the oldest entries of a list, within
  a byte budget.

  KEYS[1] DLQ LIST (newest at index 0)
  ARGV[1] how many
  ARGV[2] byte budget: entries are taken oldest first while their bytes stay
          within it; the first one is taken whatever its size

  Returns {deleted, their bytes, bytes read, failed_at of the oldest deleted,
  of the newest deleted}; a failed_at is false (nil) unless the entry ends in the block
  Redrive appends. An entry's size is known only once it is read, so the one
  that would pass the budget is read, left, and taken by the next call. Their
  metadata hashes expire with the retention.
]]
local find, match, byte = string.find, string.match, string.byte

-- Where Redrive's block starts in an entry it wrote: the cut its trailer
-- records (toDlqEntry in message.ts), version 2 {"v":2,"cut":C,…} or 0.1.0's
-- version 1 [C,…], within the last 96 bytes.
local function cutOf(s)
  local from = math.max(1, #s - 95)
  local at = find(s, '"redrive_undo":{"v":2,"cut":', from, true)
  if at then return tonumber(match(s, "^(%d+)", at + 28)) end
  at = find(s, '"redrive_undo":[', from, true)
  return at and tonumber(match(s, "^(%d+)", at + 16))
end

-- failed_at of an entry Redrive wrote: in the block its trailer points to.
-- Quotes inside the block's strings are escaped, so the first
-- '"failed_at":"' after the cut is the member.
local function failedAt(s)
  if not s or byte(s, 1) ~= 123 then return false end
  local cut = cutOf(s)
  if not cut or cut >= #s then return false end
  local f = find(s, '"failed_at":"', cut + 1, true)
  return f and match(s, '^([^"]*)"', f + 13) or false
end

local key, n, budget = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local taken, bytes, read = 0, 0, 0
local first, last
while taken < n and bytes < budget do
  local e = redis.call("LINDEX", key, -1 - taken)
  if not e then break end
  read = read + #e
  if taken > 0 and bytes + #e > budget then break end
  bytes = bytes + #e
  taken = taken + 1
  first = first or e
  last = e
end
if taken > 0 then redis.call("LTRIM", key, 0, -taken - 1) end
return {taken, bytes, read, failedAt(first), failedAt(last)}
