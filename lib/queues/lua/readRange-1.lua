--[[
  Reads entries of a LIST (by index) or a ZSET (by rank, with scores) without
  ever returning a large one whole: producers can write entries of hundreds of
  megabytes, and a viewer's page or scan must stay bounded in bytes.

  KEYS[1] the LIST or ZSET
  ARGV[1] "list" or "zset"
  ARGV[2] start (negative counts from the end)
  ARGV[3] how many entries at most
  ARGV[4] an entry of at most this many bytes is returned whole
  ARGV[5] head bytes and ARGV[6] tail bytes returned of a larger entry
  ARGV[7] stop once this many bytes are returned
  ARGV[8] stop once this many bytes of entries are read

  Returns {consumed, more, items, scores}:
  consumed  entries looked at from start (= #items)
  more      1 when a byte budget stopped the read before `count` entries and
            before the end; 0 otherwise
  items     per entry, the entry itself, or {bytes, sha1 hex of all its bytes,
            its first bytes, its last bytes} when it is larger than ARGV[4]
  scores    for a ZSET, each item's score (a string); empty for a LIST

  Entries are fetched a few at a time, so that a budget spent early leaves the
  rest of the range unread.
]]
local key = KEYS[1]
local zset = ARGV[1] == "zset"
local start = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local wholeMax = tonumber(ARGV[4])
local headBytes = tonumber(ARGV[5])
local tailBytes = tonumber(ARGV[6])
local returnBudget = tonumber(ARGV[7])
local readBudget = tonumber(ARGV[8])
local CHUNK = 16

if start < 0 then
  local len = zset and redis.call("ZCARD", key) or redis.call("LLEN", key)
  start = len + start
  if start < 0 then start = 0 end
end

local items, scores = {}, {}
local consumed, returned, read, more = 0, 0, 0, 0

while consumed < count do
  local want = math.min(CHUNK, count - consumed)
  local from = start + consumed
  local page
  if zset then
    page = redis.call("ZRANGE", key, from, from + want - 1, "WITHSCORES")
  else
    page = redis.call("LRANGE", key, from, from + want - 1)
  end
  local step = zset and 2 or 1
  local got = #page / step
  local stopped = false
  for i = 1, #page, step do
    local e = page[i]
    local len = #e
    if len <= wholeMax then
      items[#items + 1] = e
      returned = returned + len
    else
      items[#items + 1] = {len, redis.sha1hex(e), string.sub(e, 1, headBytes),
        string.sub(e, len - tailBytes + 1)}
      returned = returned + headBytes + tailBytes
    end
    if zset then scores[#scores + 1] = page[i + 1] end
    read = read + len
    consumed = consumed + 1
    if returned >= returnBudget or read >= readBudget then
      stopped = true
      break
    end
  end
  if stopped then
    -- More may follow unless this was the last entry of a short (final) chunk.
    if consumed < count and (consumed - (from - start) < got or got == want) then more = 1 end
    break
  end
  if got < want then break end
end

return {consumed, more, items, scores}
