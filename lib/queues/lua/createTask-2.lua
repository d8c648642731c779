--[[
  Creates a redrive task (requeue all / delete all) for a queue, unless one is active.

  KEYS[1] task HASH (redrive:task:<queue>)
  KEYS[2] the queue's DLQ LIST
  ARGV[1] id, ARGV[2] kind ("requeue" or "delete"), ARGV[3] rate (messages/s, 0 = unlimited)
  ARGV[4] created by, ARGV[5] now (epoch seconds)

  Returns the number of messages to move (the DLQ's length now), or -5 (ACTIVE)
  when a task of this queue is pending, running or being cancelled.
]]
local state = redis.call("HGET", KEYS[1], "state")
if state == "pending" or state == "running" or state == "cancelling" then return -5 end
local total = redis.call("LLEN", KEYS[2])
redis.call("DEL", KEYS[1])
redis.call("HSET", KEYS[1], "id", ARGV[1], "kind", ARGV[2], "rate", ARGV[3], "state", "pending",
  "total", total, "moved", 0, "createdBy", ARGV[4], "createdAt", ARGV[5], "updatedAt", ARGV[5],
  "owner", "", "leaseUntil", 0, "error", "")
return total
