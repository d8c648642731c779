--[[
  Deletes a DLQ entry's metadata hash after the entry left the DLQ, unless
  the hash now describes another entry: two failures of one job and file
  share dlq:metadata:<job_id>:<filename>, and the newer one overwrites it.

  KEYS[1] metadata HASH
  ARGV[1] sha1 of the entry that left

  Returns 1 when deleted, 0 when the hash names another entry or is gone. A
  hash without dlq_entry_sha1 (another producer wrote it) goes with any entry
  of its job and file, as it always did.
]]
local owner = redis.call("HGET", KEYS[1], "dlq_entry_sha1")
if owner and owner ~= ARGV[1] then return 0 end
return redis.call("DEL", KEYS[1])
