--[[
  Appends a metrics sample to one history tier, once per time bucket: when
  several worker services sample, the first of a bucket wins.

  KEYS[1] tier LIST (newest at index 0); entries start with {"t":<bucket>,
  ARGV[1] the bucket's start, epoch seconds
  ARGV[2] the sample (JSON that starts with {"t":<bucket>,)
  ARGV[3] how many entries the tier keeps

  Returns 1 when appended, 0 when the bucket already has a sample.
]]
local head = redis.call("LINDEX", KEYS[1], 0)
if head then
  local t = tonumber(string.match(head, '^{"t":(%d+)'))
  if t and t >= tonumber(ARGV[1]) then return 0 end
end
redis.call("LPUSH", KEYS[1], ARGV[2])
redis.call("LTRIM", KEYS[1], 0, tonumber(ARGV[3]) - 1)
return 1
