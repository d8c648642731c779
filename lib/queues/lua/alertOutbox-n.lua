--[[
  The alert outbox (lib/alerts/outbox.ts): every notice for the webhook waits
  in Redis until a post of it was answered, so that a worker that dies while
  posting, or between deciding on a change and posting it, loses nothing: the
  notice's lease runs out and any worker posts it. Each step that changes what
  is firing, or marks a day's digest done, adds its notice in the same atomic
  call, so no change is recorded without its notice. The keys share the
  {alerts} hash tag.

  KEYS[1..n]  KEYS[1] outbox HASH id -> notice JSON ({id, attempts, notice});
              KEYS[2] due ZSET id -> epoch ms (Redis's clock) when it may be
              posted, or while taken the end of the taker's lease;
              start, end: KEYS[3] active HASH, KEYS[4] clear HASH;
              digest: KEYS[3] the day's digest STRING
  ARGV[1]     the step, then by step:
    start   field, active value, id, notice, max
    end     field, the active value read, id, notice, max (resolves only if the
            value is unchanged and the field is still seen clear)
    digest  claim token, id, notice ("" when nothing is new), max, seconds to keep
    take    lease ms
    done    id, lease end
    again   id, lease end, delay ms, notice (with its tries counted)
  Returns     start, end, digest: {1 if this call made the change, notices
              dropped}; take: {id, notice JSON, lease end} of the notice due
              first, or {false, ms until the next is due (-1: none)}; done,
              again: 1 if the lease was still the caller's, else 0.

  At most `max` notices wait: past it the oldest (ids start with their epoch
  ms) is dropped.
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local outbox, due = KEYS[1], KEYS[2]
local op = ARGV[1]

local function enqueue(id, notice, max)
  redis.call("HSET", outbox, id, notice)
  redis.call("ZADD", due, now, id)
  local dropped = 0
  while redis.call("HLEN", outbox) > max do
    local oldest
    for _, key in ipairs(redis.call("HKEYS", outbox)) do
      if oldest == nil or key < oldest then oldest = key end
    end
    redis.call("HDEL", outbox, oldest)
    redis.call("ZREM", due, oldest)
    dropped = dropped + 1
  end
  return dropped
end

local function leaseHeld(id, leaseEnd)
  local score = redis.call("ZSCORE", due, id)
  return score and tonumber(score) == tonumber(leaseEnd)
end

if op == "start" then
  redis.call("HDEL", KEYS[4], ARGV[2])
  if redis.call("HSETNX", KEYS[3], ARGV[2], ARGV[3]) == 0 then return { 0, 0 } end
  return { 1, enqueue(ARGV[4], ARGV[5], tonumber(ARGV[6])) }
elseif op == "end" then
  if redis.call("HGET", KEYS[3], ARGV[2]) ~= ARGV[3] then return { 0, 0 } end
  if redis.call("HEXISTS", KEYS[4], ARGV[2]) == 0 then return { 0, 0 } end
  redis.call("HDEL", KEYS[3], ARGV[2])
  redis.call("HDEL", KEYS[4], ARGV[2])
  return { 1, enqueue(ARGV[4], ARGV[5], tonumber(ARGV[6])) }
elseif op == "digest" then
  if redis.call("GET", KEYS[3]) ~= ARGV[2] then return { 0, 0 } end
  redis.call("SET", KEYS[3], ARGV[4] == "" and "skipped" or "queued", "EX", tonumber(ARGV[6]))
  if ARGV[4] == "" then return { 1, 0 } end
  return { 1, enqueue(ARGV[3], ARGV[4], tonumber(ARGV[5])) }
elseif op == "take" then
  local first = redis.call("ZRANGE", due, 0, 0, "WITHSCORES")
  if #first == 0 then return { false, -1 } end
  local wait = tonumber(first[2]) - now
  if wait > 0 then return { false, wait } end
  local id = first[1]
  local notice = redis.call("HGET", outbox, id)
  if not notice then
    redis.call("ZREM", due, id)
    return { false, 0 }
  end
  local leaseEnd = now + tonumber(ARGV[2])
  redis.call("ZADD", due, leaseEnd, id)
  return { id, notice, leaseEnd }
elseif op == "done" then
  if not leaseHeld(ARGV[2], ARGV[3]) then return 0 end
  redis.call("ZREM", due, ARGV[2])
  redis.call("HDEL", outbox, ARGV[2])
  return 1
elseif op == "again" then
  if not leaseHeld(ARGV[2], ARGV[3]) then return 0 end
  redis.call("HSET", outbox, ARGV[2], ARGV[5])
  redis.call("ZADD", due, now + tonumber(ARGV[4]), ARGV[2])
  return 1
end
return redis.error_reply("alertOutbox: unknown step " .. tostring(op))
