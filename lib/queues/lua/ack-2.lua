--[[
  Acknowledges a processed message.

  KEYS[1] processing LIST
  KEYS[2] leases HASH (sha1 of a message -> last time a live consumer touched it)
  ARGV[1] the message
  ARGV[2] its sha1

  Returns 1, or -3 (LOST) when the message is no longer in the processing list
  (it was recovered as abandoned and redelivered).
]]
if redis.call("LREM", KEYS[1], -1, ARGV[1]) == 0 then return -3 end
redis.call("HDEL", KEYS[2], ARGV[2])
return 1
