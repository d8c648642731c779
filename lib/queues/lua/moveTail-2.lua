--[[
  Requeues or deletes the oldest entries of a list (its tail), after checking
  that they are exactly the entries the caller read. For entries only the full
  JSON parser can restore (foreign ones) and for the retention purge.

  KEYS[1] source LIST (a DLQ, newest at index 0)
  KEYS[2] destination LIST (the work queue; unused when deleting)
  ARGV[1] mode: "requeue" or "delete"
  ARGV[2] byte budget: the oldest entries sent are taken while their bytes
          (with their values to push) stay within it; the first one is taken
          whatever its size
  ARGV[3] the sizes, a MessagePack array: of each tail entry sent, oldest
          first, then (when requeueing) of each value to push
  ARGV[4] the tail entries as read, oldest first, end to end
  ARGV[5] (when requeueing) the values to LPUSH, oldest first, end to end

  Entries travel end to end in one argument rather than one argument each:
  Redis makes the same Lua strings of them either way, and the client encodes
  three arguments instead of a thousand.

  Returns how many of the oldest entries sent were moved (all unless the
  budget stopped it; the caller sends the rest again), or -2 (CHANGED) when
  the tail is no longer what the caller read; nothing moves then. Lua interns
  strings, so comparing an entry with the one sent costs one comparison of
  their bytes once both are made.
]]
local sub = string.sub
local src, dst = KEYS[1], KEYS[2]
local requeue = ARGV[1] == "requeue"
local budget = tonumber(ARGV[2])
local sizes = cmsgpack.unpack(ARGV[3])
local count = requeue and #sizes / 2 or #sizes
local take, bytes = 0, 0
while take < count and bytes < budget do
  local size = sizes[take + 1] + (requeue and sizes[count + take + 1] or 0)
  if take > 0 and bytes + size > budget then break end
  take = take + 1
  bytes = bytes + size
end
local at = 1
for i = 1, take do
  local stop = at + sizes[i]
  if redis.call("LINDEX", src, -i) ~= sub(ARGV[4], at, stop - 1) then return -2 end
  at = stop
end
-- The push first: should it fail (the work key of another type), the script
-- stops with the entries still in the DLQ (a script's writes are not undone).
if requeue then
  local pushes, pushed = {}, ARGV[5]
  at = 1
  for i = 1, take do
    local stop = at + sizes[count + i]
    pushes[i] = sub(pushed, at, stop - 1)
    at = stop
  end
  redis.call("LPUSH", dst, unpack(pushes))
end
redis.call("LTRIM", src, 0, -take - 1)
return take
