--[[
  Requeues the oldest DLQ entries (the list's tail) inside Redis, while they
  are entries it can restore by splicing bytes: ones Redrive wrote (ending in
  a valid "redrive_undo" trailer of version 2 or 1, see message.ts toDlqEntry) and ones that
  cannot be a JSON object (their first byte is not "{" or whitespace), which
  go back unchanged. It stops at the first other entry; the caller restores
  that one with the full parser (moveTail-2.lua).

  KEYS[1] DLQ LIST (newest at index 0)
  KEYS[2] work LIST
  ARGV[1] how many tail entries to look at, at most 1000
  ARGV[2] byte budget: entries are taken oldest first while their bytes stay
          within it; the first one is taken whatever its size, up to ARGV[3]
  ARGV[3] an entry larger than this is a stop: restoring it here would copy
          it twice more (see tail.ts, moveLarge)

  Returns {moved, stopped, their bytes, bytes read, failed_at of the oldest
  moved, of the newest moved}: stopped is 1 when it met an entry it leaves to the caller (a
  budget reached is not a stop: the caller calls again); a failed_at is false
  (nil) for an entry without Redrive's block. Entries are read one at a time,
  so the one that would pass the budget is read, left, and taken by the next
  call.
]]
local RC_KEY = '"retry_count":'
local byte, find, match, max, sub = string.byte, string.find, string.match, math.max, string.sub

local TRAILER_V2, TRAILER_V1 = '"redrive_undo":{"v":2,"cut":', '"redrive_undo":['
local TAIL = 96

-- The trailer's numbers, exactly as message.ts's UNDO_V2 and UNDO_V1 patterns
-- take them: version 2, {"v":2,"cut":C} or {"v":2,"cut":C,"rc":[A,Z]}, and
-- 0.1.0's version 1, [C] or [C,A,Z]. Anything else ("[6,3]", "v":3) is not
-- spliced and goes to the parser (a nil here). Each pattern has one quantifier
-- per number, each followed by a literal that is no digit.
local function undoOf(s, len)
  local at = find(s, TRAILER_V2, max(1, len - TAIL + 1), true)
  if at then
    local p = at + #TRAILER_V2
    local cut = match(s, "^(%d+)}}$", p)
    if cut then return cut end
    return match(s, '^(%d+),"rc":%[(%d+),(%d+)%]}}$', p)
  end
  at = find(s, TRAILER_V1, max(1, len - TAIL + 1), true)
  if not at then return nil end
  local cut = match(s, "^(%d+)%]}$", at + #TRAILER_V1)
  if cut then return cut end
  return match(s, "^(%d+),(%d+),(%d+)%]}$", at + #TRAILER_V1)
end

-- Positions are searched from where they must be (plain find with an init
-- offset), and no substring is made that the restored copy does not need:
-- every Lua string is a copy, hashed and interned (about 0.4 µs for 200 bytes
-- measured here, against about 3.7 µs of Redis time per requeued entry).
local function restore(s)
  local first = byte(s, 1)
  if first ~= 123 then
    if first == 32 or first == 9 or first == 10 or first == 13 then return nil end
    return s
  end
  local len = #s
  local cut, a, z = undoOf(s, len)
  if not cut then return nil end
  cut = tonumber(cut)
  local opener = cut == 1 and '"error":' or ',"error":'
  if cut >= len or find(s, opener, cut + 1, true) ~= cut + 1 then return nil end
  if not a then return sub(s, 1, cut) .. "}" end
  a, z = tonumber(a), tonumber(z)
  if not (a < z and z <= cut and find(s, RC_KEY, a - #RC_KEY + 1, true) == a - #RC_KEY + 1) then
    return nil
  end
  if z == cut then return sub(s, 1, a) .. "0}" end
  return sub(s, 1, a) .. "0" .. sub(s, z + 1, cut) .. "}"
end

-- failed_at in the block an entry's trailer points to: quotes inside the
-- block's strings are escaped, so the first '"failed_at":"' is the member.
local function failedAt(s)
  if not s or byte(s, 1) ~= 123 then return false end
  local cut = tonumber((undoOf(s, #s)))
  if not cut or cut >= #s then return false end
  local f = find(s, '"failed_at":"', cut + 1, true)
  return f and match(s, '^([^"]*)"', f + 13) or false
end

local n, budget, large = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
local bytes, read, stopped = 0, 0, 0
local first, last
while #out < n and bytes < budget do
  local e = redis.call("LINDEX", KEYS[1], -1 - #out)
  if not e then break end
  read = read + #e
  if #out > 0 and bytes + #e > budget then break end
  -- A large one is moved by the caller without a script (tail.ts, moveLarge).
  if #e > large then
    stopped = 1
    break
  end
  local restored = restore(e)
  if not restored then
    stopped = 1
    break
  end
  out[#out + 1] = restored
  bytes = bytes + #e
  first = first or e
  last = e
end
local moved = #out
if moved > 0 then
  -- The push first: should it fail (the work key of another type), the
  -- entries are still in the DLQ (a script's writes are not undone).
  redis.call("LPUSH", KEYS[2], unpack(out))
  redis.call("LTRIM", KEYS[1], 0, -moved - 1)
end
return {moved, stopped, bytes, read, failedAt(first), failedAt(last)}
