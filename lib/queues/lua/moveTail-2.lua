--[[
  Requeues or deletes the oldest entries of a list (its tail), after checking
  that they are exactly the entries the caller read. For entries only the full
  JSON parser can restore (foreign ones) and for the retention purge.

  KEYS[1] source LIST (a DLQ, newest at index 0)
  KEYS[2] destination LIST (the work queue; unused when deleting)
  ARGV[1] mode: "requeue" or "delete"
  ARGV[2] count: how many tail entries, at most 1000
  ARGV[3 .. 2+count] the tail entries as read, in list order (oldest last)
  ARGV[3+count ..] (when requeueing) the values to LPUSH

  Returns count when moved, or -2 (CHANGED) when the tail is no longer what the
  caller read; nothing moves then. Lua interns strings, so comparing an entry
  with the one sent costs a pointer comparison once both are made.
]]
local src, dst = KEYS[1], KEYS[2]
local count = tonumber(ARGV[2])
local tail = redis.call("LRANGE", src, -count, -1)
if #tail ~= count then return -2 end
for i = 1, count do
  if tail[i] ~= ARGV[2 + i] then return -2 end
end
redis.call("LTRIM", src, 0, -count - 1)
if ARGV[1] == "requeue" then
  redis.call("LPUSH", dst, unpack(ARGV, 3 + count, #ARGV))
end
return count
