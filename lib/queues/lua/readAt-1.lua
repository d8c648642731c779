--[[
  Reads list entries whole, by index, within a byte budget: what a bulk
  operation reads into Node.js (to restore entries with the full parser, to
  date them, to find them by identity) stays bounded whatever producers wrote.
  One LINDEX per entry: a range read (LRANGE) would copy a whole chunk into Lua
  before its sizes could be looked at.

  KEYS[1] LIST
  ARGV[1] byte budget: no entry is read once the entries read reach it, so a
          call reads at most the budget plus one entry (an entry larger than
          the budget still comes whole)
  ARGV[2..] indices (negative ones count from the end), in the order wanted

  Returns one item per index read, in that order: the entry, or false (nil)
  when the index is past either end. Fewer items than indices when the budget
  stopped the read; never fewer than one.
]]
local budget = tonumber(ARGV[1])
local out, read = {}, 0
for i = 2, #ARGV do
  if read >= budget then break end
  local entry = redis.call("LINDEX", KEYS[1], ARGV[i])
  if entry then
    read = read + #entry
  else
    entry = false
  end
  out[#out + 1] = entry
end
return out
