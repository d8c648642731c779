--[[
  Requeues or deletes the oldest entries of a list (its tail), after checking
  that they are exactly the entries the caller read. For entries only the full
  JSON parser can restore (foreign ones) and for the retention purge.

  KEYS[1] source LIST (a DLQ, newest at index 0)
  KEYS[2] destination LIST (the work queue; unused when deleting)
  ARGV[1] mode: "requeue" or "delete"
  ARGV[2] count: how many tail entries were sent, at most 1000
  ARGV[3] byte budget: the oldest entries sent are taken while their bytes
          (with their values to push) stay within it; the first one is taken
          whatever its size
  ARGV[4 .. 3+count] the tail entries as read, oldest first
  ARGV[4+count ..] (when requeueing) the values to LPUSH, oldest first

  Returns how many of the oldest entries sent were moved (count unless the
  budget stopped it; the caller sends the rest again), or -2 (CHANGED) when
  the tail is no longer what the caller read; nothing moves then. Lua interns
  strings, so comparing an entry with the one sent costs one comparison of
  their bytes once both are made.
]]
local src, dst = KEYS[1], KEYS[2]
local requeue = ARGV[1] == "requeue"
local count, budget = tonumber(ARGV[2]), tonumber(ARGV[3])
local take, bytes = 0, 0
while take < count and bytes < budget do
  local size = #ARGV[4 + take] + (requeue and #ARGV[4 + count + take] or 0)
  if take > 0 and bytes + size > budget then break end
  take = take + 1
  bytes = bytes + size
end
for i = 1, take do
  if redis.call("LINDEX", src, -i) ~= ARGV[3 + i] then return -2 end
end
redis.call("LTRIM", src, 0, -take - 1)
if requeue then
  redis.call("LPUSH", dst, unpack(ARGV, 4 + count, 3 + count + take))
end
return take
