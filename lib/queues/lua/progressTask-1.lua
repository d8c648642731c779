--[[
  The owner of a running task records progress and renews its lease.

  KEYS[1] task HASH
  ARGV[1] owner, ARGV[2] moved (total so far), ARGV[3] now, ARGV[4] lease seconds
  ARGV[5] final state ("" while running; "done", "cancelled" or "failed" at the end;
          "release" to hand a running task back for another instance to resume at once)
  ARGV[6] error text (with "failed")

  Returns the task's state after the call ("lost" when another owner holds it).
]]
if redis.call("HGET", KEYS[1], "owner") ~= ARGV[1] then return "lost" end
local state = redis.call("HGET", KEYS[1], "state")
local now = tonumber(ARGV[3])
redis.call("HSET", KEYS[1], "moved", ARGV[2], "updatedAt", now, "leaseUntil", now + tonumber(ARGV[4]))
if ARGV[5] == "release" then
  redis.call("HSET", KEYS[1], "owner", "", "leaseUntil", 0)
  return state
end
if ARGV[5] ~= "" then
  redis.call("HSET", KEYS[1], "state", ARGV[5], "error", ARGV[6], "leaseUntil", 0)
  return ARGV[5]
end
return state
