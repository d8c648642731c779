--[[
  Moves a failed message from the processing list to the dead-letter queue.

  KEYS[1] processing LIST
  KEYS[2] leases HASH
  KEYS[3] DLQ LIST (newest at index 0)
  ARGV[1] the message as taken
  ARGV[2] its sha1
  ARGV[3] the DLQ entry

  Returns 1, or -3 (LOST) when the message is no longer in the processing list.

  The metadata hash is not written here: its key (dlq:metadata:<job_id>:...)
  hashes to another Cluster slot than the queue's lists, so the caller writes
  it on its own just before this call (see processor.ts).
]]
-- Refused before any write: a push that failed after the removal would lose
-- the message (a script's writes are not undone).
local kind = redis.call("TYPE", KEYS[3])["ok"]
if kind ~= "list" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE " .. KEYS[3] .. " holds a " .. kind .. ", not a list")
end
if redis.call("LREM", KEYS[1], -1, ARGV[1]) == 0 then return -3 end
redis.call("LPUSH", KEYS[3], ARGV[3])
redis.call("HDEL", KEYS[2], ARGV[2])
return 1
