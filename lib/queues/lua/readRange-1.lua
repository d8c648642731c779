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
  ARGV[9] the most bytes of Redrive's block decoded from a large entry, and
  ARGV[10] of its error message, ARGV[11] of its stack, ARGV[12] of any other string in it

  Returns {consumed, more, items, scores}:
  consumed  entries looked at from start (= #items)
  more      1 when a byte budget stopped the read before `count` entries and
            before the end; 0 otherwise
  items     per entry, the entry itself, or {bytes, sha1 hex of all its bytes,
            its first bytes, its last bytes, block} when it is larger than ARGV[4]:
            block is the block Redrive appends to an entry (`,"error":{…},…,
            "redrive_undo":{…}}`, found by its trailer) as a JSON object with its
            strings cut, or nil when there is none or it is larger than ARGV[9]
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
local blockMax = tonumber(ARGV[9])
local messageMax, stackMax, stringMax = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local CHUNK = 16

local function cutStrings(t, caps)
  for k, v in pairs(t) do
    if type(v) == "string" then
      local most = caps[k] or stringMax
      if #v > most then t[k] = string.sub(v, 1, most) end
    elseif type(v) == "table" then
      cutStrings(v, caps[k .. "{}"] or {})
    end
  end
end

-- Where Redrive's block starts: the cut its trailer records (message.ts
-- toDlqEntry), version 2 {"v":2,"cut":C,…} or 0.1.0's version 1 [C,…], within
-- the last 96 bytes; the decode below checks the rest.
local function cutOf(e)
  local tail = string.sub(e, -96)
  local at = string.find(tail, '"redrive_undo":{"v":2,"cut":', 1, true)
  if at then return tonumber(string.match(tail, "^(%d+)", at + 28)) end
  at = string.find(tail, '"redrive_undo":[', 1, true)
  if not at then return nil end
  return tonumber(string.match(tail, "^(%d+)", at + 16))
end

-- Redrive's block of a large entry, decoded (it is JSON Redrive wrote) with its
-- strings cut, so that a list shows the error however large the entry.
local function redriveBlock(e, len)
  local cut = cutOf(e)
  if not cut then return false end
  if cut >= len or len - cut > blockMax then return false end
  local body = string.sub(e, cut + 1)
  if string.sub(body, 1, 1) == "," then body = string.sub(body, 2) end
  if string.sub(body, 1, 8) ~= '"error":' then return false end
  local ok, obj = pcall(cjson.decode, "{" .. body)
  if not ok or type(obj) ~= "table" then return false end
  local err = obj.error
  obj.error, obj.redrive_undo = nil, nil
  cutStrings(obj, {})
  if type(err) == "table" then
    -- A long stack is {"deflate": base64} (message.ts, stackMember): its text is the stack's.
    cutStrings(err, {message = messageMax, stack = stackMax, ["stack{}"] = {deflate = stackMax}})
  elseif type(err) == "string" and #err > messageMax then
    err = string.sub(err, 1, messageMax)
  end
  obj.error = err
  local encoded, out = pcall(cjson.encode, obj)
  if not encoded then return false end
  -- Escapes (\n, \") may double the cut strings; more than that is no block Redrive wrote.
  if #out > 2 * (messageMax + stackMax) + 16 * stringMax then return false end
  return out
end

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
      local block = redriveBlock(e, len)
      items[#items + 1] = {len, redis.sha1hex(e), string.sub(e, 1, headBytes),
        string.sub(e, len - tailBytes + 1), block}
      returned = returned + headBytes + tailBytes + (block and #block or 0)
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
