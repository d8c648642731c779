--[[
  Promotes due retries to their work queue, oldest due first, within a count
  and a byte budget.

  KEYS[1] retry ZSET (score = due time, Unix epoch seconds, fractions allowed)
  KEYS[2] work LIST (producers LPUSH, consumers take from the right)
  ARGV[1] now, Unix epoch seconds, or "+inf" (every member is due)
  ARGV[2] limit, members per call
  ARGV[3] byte budget: members are taken while their bytes stay within it;
          the first due one is taken whatever its size

  Returns {moved, more, their bytes, bytes read}: more is 1 when the limit or the budget
  stopped the call (due members may be left: the caller calls again), 0 when
  none is due any more.

  The due members are the lowest ranks of the set: ZCOUNT says how many there
  are, and they are read by rank one at a time (a range read would copy them
  all before their sizes could be looked at; a rank read without its score is
  the cheapest single read), and the ranks read are the ranks removed:
  ZREMRANGEBYRANK needs no member lookups. The member that would pass the
  budget is read, left, and taken by the next call.
]]
local key = KEYS[1]
local limit, budget = tonumber(ARGV[2]), tonumber(ARGV[3])
local count = redis.call("ZCOUNT", key, "-inf", ARGV[1])
local due, bytes, read = {}, 0, 0
for rank = 0, math.min(count, limit) - 1 do
  if bytes >= budget then break end
  local member = redis.call("ZRANGE", key, rank, rank)[1]
  read = read + #member
  if rank > 0 and bytes + #member > budget then break end
  due[#due + 1] = member
  bytes = bytes + #member
end
local n = #due
if n > 0 then
  redis.call("LPUSH", KEYS[2], unpack(due))
  redis.call("ZREMRANGEBYRANK", key, 0, n - 1)
end
return {n, count > n and 1 or 0, bytes, read}
