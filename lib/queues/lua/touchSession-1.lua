--[[
  Records user activity on a session, unless the session is already gone
  (an HSET alone would bring back a record that expired a moment ago).

  KEYS[1]  HASH redrive:session:<sid>
  ARGV[1]  now, epoch ms

  Returns 1 when the session was touched, 0 when it no longer exists.
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], "lastActive", ARGV[1])
return 1
