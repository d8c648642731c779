--[[
  Requeues the oldest DLQ entries (the list's tail) inside Redis, restoring
  each one exactly as message.ts's forRequeue does, by splicing bytes:
  - an entry Redrive wrote, ending in a valid "redrive_undo" trailer (version
    2, or 0.1.0's version 1; see toDlqEntry), by the offsets the trailer holds;
  - any other JSON object (the Python backend's entries) by a validating scan
    of its members (scan below): "error", "failed_at", "original_queue",
    "retry_nonce" and "redrive_undo" are cut, "retry_count" set to 0 where it
    is, every other byte kept;
  - an entry that cannot be a JSON object (its first byte is not "{" or
    whitespace) goes back unchanged.
  It stops at the first entry the scan leaves (one it cannot vouch for: a
  control byte anywhere, whitespace before "{", an escape in a top-level key,
  nesting deeper than MAX_DEPTH, more than SCAN_BYTES or more steps than a
  call has, or anything that is not a JSON object): the caller restores that
  one with the full parser (moveTail-2.lua), whose verdict it is.

  The scan costs about 9 µs of Redis for a 450-byte entry of the Python
  backend's (Lua 5.1 has no JIT: each pattern call is about 0.1 µs, so it
  reads a member or two per call), against about 3 µs for a trailer's splice.

  KEYS[1] DLQ LIST (newest at index 0)
  KEYS[2] work LIST
  ARGV[1] how many tail entries to look at, at most 1000
  ARGV[2] byte budget: entries are taken oldest first while their bytes stay
          within it; the first one is taken whatever its size, up to ARGV[3]
  ARGV[3] an entry larger than this is a stop: restoring it here would copy
          it twice more (see tail.ts, moveLarge)

  Returns {moved, stopped, their bytes, bytes read, failed_at of the oldest
  moved, of the newest moved}: stopped is 1 when it met an entry it leaves to
  the caller (a budget reached is not a stop: the caller calls again); a
  failed_at is false (nil) for an entry without one, else its text (a
  scanned entry's raw JSON value, quotes included). Entries are read one at a
  time, so the one that would pass the budget is read, left, and taken by the
  next call.
]]
local RC_KEY = '"retry_count":'
local byte, find, match, sub = string.byte, string.find, string.match, string.sub
local floor, max = math.floor, math.max
local concat = table.concat

local TRAILER_V2, TRAILER_V1 = '"redrive_undo":{"v":2,"cut":', '"redrive_undo":['
local TAIL = 96

-- The trailer's numbers, exactly as message.ts's UNDO_V2 and UNDO_V1 patterns
-- take them: version 2, {"v":2,"cut":C} or {"v":2,"cut":C,"rc":[A,Z]}, and
-- 0.1.0's version 1, [C] or [C,A,Z]. Anything else ("[6,3]", "v":3) is not
-- spliced by its offsets (a nil here). Each pattern has one quantifier per
-- number, each followed by a literal that is no digit.
local function undoOf(s, len)
  local at = find(s, TRAILER_V2, max(1, len - TAIL + 1), true)
  if at then
    local p = at + #TRAILER_V2
    local cut = match(s, "^(%d+)}}$", p)
    if cut then return cut end
    return match(s, '^(%d+),"rc":%[(%d+),(%d+)%]}}$', p)
  end
  at = find(s, TRAILER_V1, max(1, len - TAIL + 1), true)
  if not at then return nil end
  local cut = match(s, "^(%d+)%]}$", at + #TRAILER_V1)
  if cut then return cut end
  return match(s, "^(%d+),(%d+),(%d+)%]}$", at + #TRAILER_V1)
end

-- An entry Redrive wrote, restored by its trailer's offsets (message.ts,
-- undoRequeue), or nil when it has no valid trailer. Positions are searched
-- from where they must be (plain find with an init offset), and no substring
-- is made that the restored copy does not need: every Lua string is a copy,
-- hashed and interned.
local function undo(s, len)
  local cut, a, z = undoOf(s, len)
  if not cut then return nil end
  cut = tonumber(cut)
  local opener = cut == 1 and '"error":' or ',"error":'
  if cut >= len or find(s, opener, cut + 1, true) ~= cut + 1 then return nil end
  if not a then return sub(s, 1, cut) .. "}" end
  a, z = tonumber(a), tonumber(z)
  if not (a < z and z <= cut and find(s, RC_KEY, a - #RC_KEY + 1, true) == a - #RC_KEY + 1) then
    return nil
  end
  if z == cut then return sub(s, 1, a) .. "0}" end
  return sub(s, 1, a) .. "0" .. sub(s, z + 1, cut) .. "}"
end

--[[
  The scan: RFC 8259's grammar, as rawJson.ts's parseTopLevel reads it, on an
  entry known to hold no byte below 0x20 (so whitespace is spaces only, and no
  string can hold a raw control byte). Every function returns the position
  just past what it read, or nil when the bytes break the grammar (the caller
  then leaves the entry to the full parser, which decides). Patterns are
  anchored at a position ("^" with an init); each quantifier is followed by a
  character it cannot match, so none backtracks.
]]
local MAX_DEPTH = 32

-- The scan's cost is in its steps (members and elements read: about 1 µs
-- each with the entry's read and push, a Python backend's entry taking about
-- 12), not in bytes: a 100 KB array of one-digit numbers takes as long as
-- 10 MB of text. A call scans at most CALL_STEPS after its first entry, which
-- may take up to ENTRY_STEPS, so that a call stays within about 1 ms on
-- ordinary entries and a few milliseconds whatever they hold (other clients
-- wait for the call running and the one queued behind it; calls of 250 such
-- entries, 3 ms each, left PINGs waiting twice as long at the 99th
-- percentile for 4 % more throughput). An entry that needs more than
-- ENTRY_STEPS, or is larger than SCAN_BYTES (its control-byte check alone
-- costs about 2 ns a byte), is left to the parser.
local ENTRY_STEPS, CALL_STEPS, SCAN_BYTES = 4000, 1500, 262144
local steps, spent = 0, 0

-- A string whose first byte is at i (a quote): its end is the first quote
-- that no escape takes (an escape's backslash takes the byte after it, as
-- rawJson.ts's skipString reads it). Both are found with plain finds (memchr,
-- not a pattern a byte at a time), each kept until passed, and each escape
-- before the closing quote is a step.
local function str(s, i)
  local p = i + 1
  local q, bs = find(s, '"', p, true), find(s, "\\", p, true)
  while true do
    if not q then return nil end
    if not bs or bs > q then return q + 1 end
    steps = steps - 1
    if steps < 0 then return nil end
    p = bs + 2
    if q < p then q = find(s, '"', p, true) end
    bs = find(s, "\\", p, true)
  end
end

local LITERAL = { [116] = "^true()", [102] = "^false()", [110] = "^null()" }

-- A number, true, false or null.
local function scalar(s, i)
  local literal = LITERAL[byte(s, i)]
  if literal then return match(s, literal, i) end
  local e = match(s, "^-?[1-9]%d*()", i) or match(s, "^-?0()", i)
  if not e then return nil end
  if byte(s, e) == 46 then
    e = match(s, "^%.%d+()", e)
    if not e then return nil end
  end
  local c = byte(s, e)
  if c == 101 or c == 69 then return match(s, "^[eE][+-]?%d+()", e) end
  return e
end

local container

local function value(s, i, depth)
  local c = byte(s, i)
  if c == 34 then return str(s, i) end
  if c == 123 or c == 91 then return container(s, i, depth + 1) end
  return scalar(s, i)
end

-- An object or array nested in a member's value, read to its end.
container = function(s, i, depth)
  if depth > MAX_DEPTH then return nil end
  local object = byte(s, i) == 123
  local close = object and 125 or 93
  local p = match(s, "^ *()", i + 1)
  if byte(s, p) == close then return p + 1 end
  while true do
    steps = steps - 1
    if steps < 0 then return nil end
    if object then
      if byte(s, p) ~= 34 then return nil end
      p = str(s, p)
      p = p and match(s, "^ *: *()", p)
      if not p then return nil end
    end
    p = value(s, p, depth)
    if not p then return nil end
    p = match(s, "^ *()", p)
    local c = byte(s, p)
    if c == close then return p + 1 end
    if c ~= 44 then return nil end
    p = match(s, "^ *()", p + 1)
  end
end

-- The top-level keys a requeue edits: cut (1, and 3 for the one whose value
-- dates the entry) or set to 0 (2). Keys of other lengths are not even made
-- into strings.
local EDITED = {
  error = 1,
  failed_at = 3,
  original_queue = 1,
  retry_nonce = 1,
  redrive_undo = 1,
  retry_count = 2,
}
-- A member whose value is a string without a backslash, and the separator
-- after it, in one match: most members of the Python backend's entries.
local STRING_VALUE = '^"[^"\\]*"() *()[,}] *()'
local EDITED_LENGTH = { [5] = true, [9] = true, [11] = true, [12] = true, [14] = true }

-- The restored copy's pieces, reused from one entry to the next (a table
-- made per entry costs more than the scan of a short member).
local pieces = {}

--[[
  A JSON object without a valid trailer, restored as rawJson.ts's editFields
  restores it for forRequeue, while its members are read: the first
  retry_count's value becomes 0; every other edited member is cut with one
  adjacent comma (the one before it, or, when no member before it is kept,
  what follows it up to the next member). Returns the restored bytes and the
  raw value of the last "failed_at" (up to 64 bytes, else false), or nil when
  the entry is not one the scan reads.
]]
local function scan(s, len)
  if len > SCAN_BYTES then return nil end
  -- Its bytes count too: checking and skipping 128 of them costs about a step.
  steps = steps - floor(len / 128)
  if steps < 0 then return nil end
  if match(s, "^[ -\255]*()") <= len then return nil end
  local p = match(s, "^{ *()", 1)
  if byte(s, p) == 125 then
    if match(s, "^} *$", p) then return s, false end
    return nil
  end
  local at, np, cursor, kept, counted, comma = false, 0, 1, 0, false, false
  while true do
    steps = steps - 1
    if steps < 0 then return nil end
    local ks, ke, vs = match(s, '^"()[^"\\]*()" *: *()', p)
    if not ks then return nil end
    local ve, sep, nxt
    if byte(s, vs) == 34 then ve, sep, nxt = match(s, STRING_VALUE, vs) end
    if not ve then
      ve = value(s, vs, 0)
      if not ve then return nil end
      sep, nxt = match(s, "^ *()[,}] *()", ve)
      if not sep then return nil end
    end
    local last = byte(s, sep) == 125
    local edit = EDITED_LENGTH[ke - ks] and EDITED[sub(s, ks, ke - 1)]
    if not edit then
      kept = kept + 1
    elseif edit == 2 and not counted then
      counted, kept = true, kept + 1
      pieces[np + 1], pieces[np + 2], np = sub(s, cursor, vs - 1), "0", np + 2
      cursor = ve
    else
      if edit == 3 then at = ve - vs <= 64 and sub(s, vs, ve - 1) end
      if kept == 0 then
        pieces[np + 1], np = sub(s, cursor, p - 1), np + 1
        cursor = last and ve or nxt
      else
        pieces[np + 1], np = sub(s, cursor, comma - 1), np + 1
        cursor = ve
      end
    end
    if last then
      if nxt ~= len + 1 then return nil end
      if cursor == 1 then return s, at end
      pieces[np + 1] = sub(s, cursor)
      return concat(pieces, "", 1, np + 1), at
    end
    comma, p = sep, nxt
  end
end

-- The entry as it goes back to its work queue, and (for a scanned one) its
-- failed_at text; nil when the caller must restore it.
local function restore(s)
  local first = byte(s, 1)
  if first ~= 123 then
    if first == 32 or first == 9 or first == 10 or first == 13 then return nil end
    return s, false
  end
  local len = #s
  local undone = undo(s, len)
  if undone then return undone, nil end
  return scan(s, len)
end

-- failed_at in the block an entry's trailer points to: quotes inside the
-- block's strings are escaped, so the first '"failed_at":"' is the member.
local function failedAt(s)
  if not s or byte(s, 1) ~= 123 then return false end
  local cut = tonumber((undoOf(s, #s)))
  if not cut or cut >= #s then return false end
  local f = find(s, '"failed_at":"', cut + 1, true)
  return f and match(s, '^([^"]*)"', f + 13) or false
end

local n, budget, large = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
local bytes, read, stopped = 0, 0, 0
-- The oldest and newest moved, and their failed_at (nil: read it from the trailer's block).
local first, firstAt, last, lastAt
while #out < n and bytes < budget do
  local e = redis.call("LINDEX", KEYS[1], -1 - #out)
  if not e then break end
  read = read + #e
  if #out > 0 and bytes + #e > budget then break end
  -- A large one is moved by the caller without a script (tail.ts, moveLarge).
  if #e > large then
    stopped = 1
    break
  end
  steps = #out == 0 and ENTRY_STEPS or CALL_STEPS - spent
  if steps <= 0 then break end
  local allowed = steps
  local restored, at = restore(e)
  if not restored then
    -- Out of steps: the next call reads it first, with ENTRY_STEPS, unless this one did.
    if steps < 0 and #out > 0 then break end
    stopped = 1
    break
  end
  spent = spent + allowed - steps
  out[#out + 1] = restored
  bytes = bytes + #e
  if #out == 1 then first, firstAt = e, at end
  last, lastAt = e, at
end
local moved = #out
if moved > 0 then
  -- The push first: should it fail (the work key of another type), the
  -- entries are still in the DLQ (a script's writes are not undone).
  redis.call("LPUSH", KEYS[2], unpack(out))
  redis.call("LTRIM", KEYS[1], 0, -moved - 1)
end
local function dated(e, at)
  if at == nil then return failedAt(e) end
  return at
end
return { moved, stopped, bytes, read, dated(first, firstAt), dated(last, lastAt) }
