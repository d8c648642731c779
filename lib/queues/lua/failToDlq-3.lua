--[[
  Moves a failed message from the processing list to the dead-letter queue and
  writes its metadata hash.

  KEYS[1] processing LIST
  KEYS[2] leases HASH
  KEYS[3] DLQ LIST (newest at index 0)
  ARGV[1] the message as taken
  ARGV[2] its sha1
  ARGV[3] the DLQ entry
  ARGV[4] metadata HASH key
  ARGV[5] metadata time to live, seconds
  ARGV[6..] metadata field, value pairs

  Returns 1, or -3 (LOST) when the message is no longer in the processing list.
]]
if redis.call("LREM", KEYS[1], -1, ARGV[1]) == 0 then return -3 end
redis.call("LPUSH", KEYS[3], ARGV[3])
redis.call("HSET", ARGV[4], unpack(ARGV, 6, #ARGV))
redis.call("EXPIRE", ARGV[4], ARGV[5])
redis.call("HDEL", KEYS[2], ARGV[2])
return 1
