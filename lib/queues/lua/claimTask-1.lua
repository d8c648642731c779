--[[
  A worker service claims a task: a pending one, or a running one whose owner
  stopped renewing its lease (it died; the task resumes from "moved").

  KEYS[1] task HASH
  ARGV[1] owner (worker instance id), ARGV[2] now, ARGV[3] lease seconds

  Returns 1 when claimed, 0 otherwise.
]]
local state = redis.call("HGET", KEYS[1], "state")
local lease = tonumber(redis.call("HGET", KEYS[1], "leaseUntil") or "0")
local now = tonumber(ARGV[2])
if state == "pending" or ((state == "running" or state == "cancelling") and lease < now) then
  redis.call("HSET", KEYS[1], "state", state == "cancelling" and "cancelling" or "running",
    "owner", ARGV[1], "leaseUntil", now + tonumber(ARGV[3]), "updatedAt", now)
  return 1
end
return 0
