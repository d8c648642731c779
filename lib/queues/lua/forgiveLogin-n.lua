--[[
  A login succeeded: forgives this attempt's count. The first counter (the
  browser's, or the address and name's) is cleared; the others lose the one
  this attempt added, only where they still exist and are above zero. A DECR
  of a counter whose window ended meanwhile would create it at -1 with no TTL,
  a key that never went away (builds before schema 2 did; migration 2 gives those a TTL).

  KEYS[1..n]   one attempt's counters (one hash slot: they share the {login} tag):
               KEYS[1] is cleared, the others are lowered by one
  ARGV[]       none

  Returns 0.
]]
redis.call("DEL", KEYS[1])
for i = 2, #KEYS do
  local count = tonumber(redis.call("GET", KEYS[i]) or "0") or 0
  if count > 0 then redis.call("DECR", KEYS[i]) end
end
return 0
