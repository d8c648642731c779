--[[
  Renames a queue's keys all at once, or not at all (npm run migrate-keys):
  every source that exists is renamed to its destination, and nothing is done
  when any destination already exists, so no key is ever overwritten or
  merged. Runs on a standalone Redis (the keys are in different Cluster
  slots: the migration happens before moving to a Cluster).

  KEYS[1..n]  source1, destination1, source2, destination2, ... (pairs)
  ARGV[]      none
  Returns     {renamed, conflict}: how many sources were renamed; the first
              destination that already exists ("" when none).
]]
for i = 2, #KEYS, 2 do
  if redis.call("EXISTS", KEYS[i]) == 1 then
    return {0, KEYS[i]}
  end
end
local renamed = 0
for i = 1, #KEYS, 2 do
  if redis.call("EXISTS", KEYS[i]) == 1 then
    redis.call("RENAME", KEYS[i], KEYS[i + 1])
    renamed = renamed + 1
  end
end
return {renamed, ""}
