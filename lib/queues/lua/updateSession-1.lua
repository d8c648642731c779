--[[
  Sets one field of a session record (lastActive on activity, ended on sign
  out), unless the record is already gone: an HSET alone would bring back a
  record that expired a moment ago, without its expiry.

  KEYS[1]  HASH redrive:session:<sid>
  ARGV[1]  field
  ARGV[2]  value

  Returns 1 when the record was updated, 0 when it no longer exists.
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return 1
