--[[
  Finds the entries of a LIST (by index) or a ZSET (by rank) where a JSON field
  holds a value: "where is job X?" across a queue's work list, processing list,
  retry set and DLQ. Only the positions of the matches come back, never the
  entries, so a scan of a long list returns a few bytes; the caller reads the
  matches it wants to show.

  The match is on the JSON text, with plain finds (no patterns): one of the
  value's forms, preceded by the field's name and a colon (blanks allowed
  around it), and, for a bare number, not followed by another digit. A field
  at any depth matches (a payload nested in an envelope); text inside a string
  does not, since its quotes are escaped there.

  KEYS[1] the LIST or ZSET
  ARGV[1] "list" or "zset"
  ARGV[2] start
  ARGV[3] how many entries at most to look at
  ARGV[4] stop once this many bytes of entries are read
  ARGV[5] the field's name as JSON text, quotes included ("job_id")
  ARGV[6..] the value as JSON text, in each form it may take ("abc"; 42 and "42")

  Returns {consumed, more, read, positions, sha1s}:
  consumed   entries looked at from start
  more       1 when the byte budget stopped the scan before `count` entries and
             before the end; 0 otherwise
  read       bytes of entries looked at, and TRY_BYTES for each occurrence
             of the value looked at
  positions  index (or rank) of each match
  sha1s      sha1 hex of each match, to tell it from another entry at that
             position when the caller reads it
]]
local key = KEYS[1]
local zset = ARGV[1] == "zset"
local start = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local readBudget = tonumber(ARGV[4])
local field = ARGV[5]
local forms = {}
for i = 6, #ARGV do forms[#forms + 1] = ARGV[i] end
-- Entries fetched at once; one at a time after a page of large ones, so that a
-- page never copies much more than the byte budget.
local chunk = 64
-- Occurrences of the value looked at in one entry: each costs Lua work, and an
-- entry that repeats the value a million times ("[1,1,1,…]") must not hold
-- Redis. Past this many, the entry counts as no match.
local TRIES = 1000
-- What one occurrence costs of the byte budget.
local TRY_BYTES = 64
local tries = 0
local function blank(b)
  return b == 32 or b == 9 or b == 10 or b == 13
end

-- Skips blanks backwards from i; the position of the first other byte (0 if none).
local function skipBack(e, i)
  while i > 0 and blank(string.byte(e, i)) do i = i - 1 end
  return i
end

-- Whether `field` and a colon come right before the value that starts at `at`.
local function named(e, at)
  local i = skipBack(e, at - 1)
  if i < 1 or string.byte(e, i) ~= 58 then return false end
  i = skipBack(e, i - 1)
  local n = #field
  return i >= n and string.sub(e, i - n + 1, i) == field
end

-- A bare number ends where the form does: the next byte is no digit, point or exponent.
local function ends(e, stop, form)
  if string.byte(form, 1) == 34 then return true end
  local b = string.byte(e, stop + 1)
  return b == nil or not ((b >= 48 and b <= 57) or b == 46 or b == 101 or b == 69)
end

local function matches(e)
  tries = 0
  for _, form in ipairs(forms) do
    local from = 1
    while tries < TRIES do
      local s, t = string.find(e, form, from, true)
      if not s then break end
      tries = tries + 1
      if named(e, s) and ends(e, t, form) then return true end
      from = s + 1
    end
  end
  return false
end

local positions, sha1s = {}, {}
local consumed, read, more = 0, 0, 0

while consumed < count do
  local want = math.min(chunk, count - consumed)
  local from = start + consumed
  local page
  if zset then
    page = redis.call("ZRANGE", key, from, from + want - 1)
  else
    page = redis.call("LRANGE", key, from, from + want - 1)
  end
  local stopped = false
  local pageBytes = 0
  for i = 1, #page do
    local e = page[i]
    if matches(e) then
      positions[#positions + 1] = from + i - 1
      sha1s[#sha1s + 1] = redis.sha1hex(e)
    end
    pageBytes = pageBytes + #e
    read = read + #e + tries * TRY_BYTES
    consumed = consumed + 1
    if read >= readBudget then
      stopped = true
      break
    end
  end
  if stopped then
    if consumed < count and (consumed - (from - start) < #page or #page == want) then more = 1 end
    break
  end
  if #page < want then break end
  if pageBytes > readBudget / 4 then chunk = 1 end
end

return {consumed, more, read, positions, sha1s}
