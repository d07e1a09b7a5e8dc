"""The near-copy index in Redis, shared by crawl workers on several machines.

One round trip per text: a Lua script (atomic in Redis) looks up the text's postings keys,
verifies the candidates on their signatures with the same rule as :func:`~reviewcrawl.dedup.index.judge`,
and files the text under its original, all at once. Two workers adding copies of one review
at the same moment are serialised by Redis: the second sees the first.

Layout under a prefix (default ``reviewcrawl:near-copies``, the URL's ``?prefix=`` changes it):
``{prefix}:n`` (texts filed), ``{prefix}:docs`` (hash: number -> size, root, exact hash,
signature and key packed in bytes), ``{prefix}:p`` (hash: 4-byte postings key -> the 4-byte
numbers of the texts filed under it).
"""

from __future__ import annotations

import struct
from urllib.parse import parse_qs, urlsplit, urlunsplit

from reviewcrawl.dedup.index import MAX_BUCKET, Match, Thresholds, judge, postings_keys
from reviewcrawl.dedup.minhash import BINS, Signature

__all__ = ["RedisBackend"]

# ARGV: prefix, key, packed text (size u32, exact i64, signature), postings keys (u32 each),
# resemblance, containment, excerpt_share, min_excerpt, short, short_resemblance, max_bucket, bins,
# min_link. Returns {} for an original, or {original's key, agreeing bins (-1: the same words),
# size, the original's size} for a copy.
_SCRIPT = """
local p, key, me, pk = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local t_res, t_con, t_share = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local t_min, t_short, t_sres = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local max_bucket, bins, t_link = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local chance = 2^-16
local size = struct.unpack('<I4', me, 1)
local exact = me:sub(5, 12)
local sig = {me:byte(13, 12 + 2 * bins)}

local function agree(row)
  local other = {row:byte(17, 16 + 2 * bins)}
  local n = 0
  for i = 1, 2 * bins, 2 do
    if sig[i] == other[i] and sig[i + 1] == other[i + 1] then n = n + 1 end
  end
  return n
end

-- judge() of reviewcrawl/dedup/index.py, operation for operation
local function judge(n, a, b)
  local j = math.max(0.0, (n / bins - chance) / (1.0 - chance))
  local small, large = math.min(a, b), math.max(a, b)
  if small == 0 then return false, 0.0, 0.0 end
  local shared = j * (small + large) / (1.0 + j)
  local c = math.min(1.0, shared / small)
  local ok
  if small < t_short then ok = j >= t_sres
  elseif j >= t_res then ok = true
  else ok = c >= t_con and small >= t_min and small >= t_share * large end
  return ok, j, c
end

local fields = {}
for i = 1, #pk / 4 do fields[i] = pk:sub(4 * i - 3, 4 * i) end
local buckets = redis.call('HMGET', p .. ':p', unpack(fields))
local seen, cands = {}, {}
for i = 1, #fields do
  local b = buckets[i]
  if b and #b / 4 <= max_bucket then
    for j = 1, #b, 4 do
      local d = struct.unpack('<I4', b, j)
      if not seen[d] then seen[d] = true; cands[#cands + 1] = d end
    end
  end
end
table.sort(cands)
local rows = {}
if #cands > 0 then rows = redis.call('HMGET', p .. ':docs', unpack(cands)) end

local function root_of(row) return struct.unpack('<I4', row, 5) end
-- the answer names the original and is measured against it: {key, agreeing bins or -1 when
-- the words are the same, size, the original's size}
local function against(root, values_row_sig, my_size, my_exact)
  local r = redis.call('HGET', p .. ':docs', root)
  if r:sub(9, 16) == my_exact then return {r:sub(17 + 2 * bins), -1, my_size, (struct.unpack('<I4', r, 1))} end
  local keep = sig
  if values_row_sig then sig = {values_row_sig:byte(17, 16 + 2 * bins)} end
  local n = agree(r)
  sig = keep
  return {r:sub(17 + 2 * bins), n, my_size, (struct.unpack('<I4', r, 1))}
end

for i, d in ipairs(cands) do  -- filed before: the answer it got then
  local row = rows[i]
  if row:sub(17 + 2 * bins) == key then
    local root = root_of(row)
    if root == d then return {} end
    return against(root, row, struct.unpack('<I4', row, 1), row:sub(9, 16))
  end
end

local root, filed = nil, #fields
if size >= t_link then
  for i, d in ipairs(cands) do
    local row = rows[i]
    if row:sub(9, 16) == exact then
      root, filed = root_of(row), 1  -- an exact copy: filed under its key only
      break
    end
  end
  if root == nil then
    local best_j, best_c, best_i = nil, nil, nil
    for i, d in ipairs(cands) do
      local row = rows[i]
      local ok, j, c = judge(agree(row), size, struct.unpack('<I4', row, 1))
      if ok and (best_j == nil or j > best_j or (j == best_j and c > best_c)) then
        best_j, best_c, best_i = j, c, i
      end
    end
    if best_i then
      root, filed = root_of(rows[best_i]), 2  -- a near-copy: filed under its key and words
    end
  end
end

local result = {}
if root ~= nil then result = against(root, nil, size, exact) end
local doc = redis.call('INCR', p .. ':n') - 1
if root == nil then root = doc end
redis.call('HSET', p .. ':docs', doc, struct.pack('<I4I4', size, root) .. exact .. me:sub(13, 12 + 2 * bins) .. key)
local updated = {}
local tail = struct.pack('<I4', doc)
for i = 1, filed do
  local f = fields[i]
  local b = buckets[i] or ''
  -- once under a key given twice; a bucket already past the cap is skipped by lookups anyway
  if not updated[f] and #b / 4 <= max_bucket then updated[f] = b .. tail end
end
local flat = {}
for f, v in pairs(updated) do flat[#flat + 1] = f; flat[#flat + 1] = v end
if #flat > 0 then redis.call('HSET', p .. ':p', unpack(flat)) end
return result
"""


class RedisBackend:
    """The index of :class:`~reviewcrawl.dedup.index.NearDuplicateIndex` kept in Redis."""

    def __init__(self, url: str, thresholds: Thresholds, prefix: str = "reviewcrawl:near-copies") -> None:
        import redis

        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.prefix = query.pop("prefix", [prefix])[0]
        rest = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
        self.client = redis.Redis.from_url(urlunsplit(parts._replace(query=rest)))
        self.t = thresholds
        self.max_bucket = MAX_BUCKET
        self.script = self.client.register_script(_SCRIPT)
        try:
            self.client.ping()
        except redis.RedisError as exc:
            where = urlunsplit(parts._replace(netloc=parts.hostname or "", query=""))  # no password in messages
            raise ConnectionError(f"near-copy index: Redis at {where} is not reachable: {exc}") from exc

    def __len__(self) -> int:
        return int(self.client.get(f"{self.prefix}:n") or 0)

    @property
    def nbytes(self) -> int:
        return 0  # held by Redis: see benchmarks/dedup.py for the server's memory per text

    def add(self, key: str, sig: Signature) -> Match | None:
        packed = struct.pack("<Iq", sig.size, sig.exact) + sig.values.astype("<u2").tobytes()
        keys = postings_keys(key, sig).astype(">u4").tobytes()
        t = self.t
        reply = self.script(
            args=[self.prefix, key.encode("utf-8", "surrogatepass"), packed, keys, repr(t.resemblance), repr(t.containment), repr(t.excerpt_share),
                  t.min_excerpt, t.short, repr(t.short_resemblance), self.max_bucket, BINS, t.min_link],
        )  # fmt: skip
        if not reply:
            return None
        root_key, agree, size, other = reply
        original = root_key.decode("utf-8", "surrogatepass")
        if int(agree) < 0:
            return Match(original, 1.0, 1.0, exact=True)
        _, j, c = judge(int(agree), int(size), int(other), t)
        return Match(original, round(j, 4), round(c, 4))

    def clear(self) -> None:
        """Forget every text under this prefix (tests, a fresh start)."""
        self.client.delete(f"{self.prefix}:n", f"{self.prefix}:docs", f"{self.prefix}:p")

    def flush(self) -> None:
        pass  # every add is written when it returns

    def close(self) -> None:
        self.client.close()
