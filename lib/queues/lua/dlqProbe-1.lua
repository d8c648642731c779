--[[
  What changed in a DLQ since the insights last read it (lib/metrics/insights-window.ts).

  First its signature: its length, and the size and sha1 of the entries at
  the head, at the end of the window and at the end of the list. When that
  differs from the signature the caller kept, and the caller kept the old
  window's facts, where the entry that was newest now is: entries come in at
  the head, so when it is now at index p the p entries before it are new and
  the old window should continue from p. To let the caller check that, the
  short sha1s of a few entries from p to the end of the window (the caller
  compares them with the old window's entries p places earlier). And the p
  new entries themselves when they are few bytes (at most ARGV[8] in all):
  they were read for the search already, and this saves the caller a read.

  Every entry looked at is copied and hashed (as any read of it is); the
  search stops at ARGV[6] bytes, plus at most the one entry that crossed it.

  KEYS[1] LIST
  ARGV[1] the index sampled at the end of the signature's window
  ARGV[2] the signature kept ("" when none)
  ARGV[3], ARGV[4] the kept window's newest entry: its size and short sha1
                   (ARGV[4] "" when no window was kept)
  ARGV[5] the window: entries from the head the figures cover, at most
  ARGV[6] how many checks to return at most
  ARGV[7] bytes to look at, at most, for the search and the checks
  ARGV[8] bytes of new entries to return, at most

  Returns {signature} when it is the one kept or there is nothing to look
  for, {signature, -1} when the old newest entry is not found, else
  {signature, p, {position, sha1, position, sha1, ...}, {new entries}}, the
  last empty when they are more than ARGV[8] bytes.
]]
local key = KEYS[1]
local len = redis.call("LLEN", key)
local HEX = 16

local function sample(index)
  local entry = redis.call("LINDEX", key, index)
  if not entry then return "-" end
  return #entry .. ":" .. redis.sha1hex(entry)
end

local signature = table.concat({ len, sample(0), sample(tonumber(ARGV[1])), sample(-1) }, " ")
if signature == ARGV[2] or ARGV[4] == "" then return { signature } end

local size, head = tonumber(ARGV[3]), ARGV[4]
local window = math.min(tonumber(ARGV[5]), len)
local bytesLeft = tonumber(ARGV[7])
-- The entry at `index` when the bytes allow, else nil.
local function entryAt(index)
  if bytesLeft <= 0 then return nil end
  local entry = redis.call("LINDEX", key, index)
  bytesLeft = bytesLeft - #entry
  return entry
end

local p = -1
local fresh, freshBytes = {}, 0
for i = 0, window - 1 do
  local entry = entryAt(i)
  if not entry then break end
  if #entry == size and string.sub(redis.sha1hex(entry), 1, HEX) == head then
    p = i
    break
  end
  fresh[#fresh + 1] = entry
  freshBytes = freshBytes + #entry
end
if p < 0 then return { signature, -1 } end

local checked = {}
local kept = window - p
local checks = math.max(1, tonumber(ARGV[6]))
local previous = p
for c = 1, checks do
  local position = p + math.floor(c * (kept - 1) / checks)
  if position ~= previous then
    local entry = entryAt(position)
    if not entry then return { signature, -1 } end
    checked[#checked + 1] = position
    checked[#checked + 1] = string.sub(redis.sha1hex(entry), 1, HEX)
    previous = position
  end
end
if freshBytes > tonumber(ARGV[8]) then fresh = {} end
return { signature, p, checked, fresh }
