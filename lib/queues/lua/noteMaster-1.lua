--[[
  Records which server answers as the queue Redis's master, and since when,
  so every dashboard can show when the last failover happened. Run by each
  process when its connection becomes ready (lib/redis/topology.ts); only a
  change writes.

  KEYS[1]  HASH redrive:topology {master, since (epoch s), previous}
  ARGV[1]  the master's address as this client reached it (host:port)

  Returns {master, since, previous} after the call.
]]
local current = redis.call("HGET", KEYS[1], "master")
if current ~= ARGV[1] then
  local now = redis.call("TIME")
  redis.call("HSET", KEYS[1], "master", ARGV[1], "since", now[1], "previous", current or "")
end
return redis.call("HMGET", KEYS[1], "master", "since", "previous")
