--[[
  Reads a list's oldest entries whole, oldest first, after skipping the `skip`
  oldest, within a byte budget: an export's read, walking a long list from its
  tail. LINDEX seeks from the nearer end for every entry, which deep inside a
  list of 1 000 000 is tens of thousands of node hops each; a range read seeks
  once. It reads a few entries a range, as many as the budget left allows at
  the size of the largest seen so far (one at first, at most 16), so that
  what it copies into Lua stays near the budget.

  KEYS[1] LIST
  ARGV[1] skip: entries already read from the tail
  ARGV[2] at most this many entries
  ARGV[3] byte budget: no entry is taken once the entries taken reach it (a
          call takes at most the budget plus one range; an entry larger than
          the budget still comes whole)

  Returns the entries, oldest first; fewer than asked at the head of the list
  or when the budget stopped the read; never none while entries are left.
]]
local key = KEYS[1]
local skip, count, budget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, taken, largest = {}, 0, 0
while #out < count and taken < budget do
  local room = largest > 0 and math.floor((budget - taken) / largest) or 1
  local n = math.max(1, math.min(16, room, count - #out))
  local from = skip + #out
  -- Positions from + 1 .. from + n counted from the tail: indices -(from + n) .. -(from + 1).
  local range = redis.call("LRANGE", key, -(from + n), -(from + 1))
  for i = #range, 1, -1 do
    local e = range[i]
    out[#out + 1] = e
    taken = taken + #e
    if #e > largest then largest = #e end
  end
  if #range < n then break end
end
return out
