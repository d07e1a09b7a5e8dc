"""A seen-set of ~1.8 bytes per URL: a Bloom filter in one Redis string, for scrapy-redis.

scrapy-redis's ``RFPDupeFilter`` keeps each request's SHA1 fingerprint (40 hex characters) in a
Redis set: ~88 bytes per URL (benchmarks/distributed.py), for as long as the key lives. A Bloom
filter sized for ``capacity`` URLs at a false-positive rate ``p`` needs ``-ln p / ln² 2`` bits
per URL: 14.4 bits (1.8 bytes) at p = 1e-3, whatever the URLs, and answers in one round trip.
Measured in Redis (``MEMORY USAGE``): 1.84 bytes per URL of capacity at 1,000,000, 2.1 at the
default 5,000,000 (its allocator rounds 8.6 MiB up to 10 MiB).

The trade-off: a false positive says "seen" of a URL never fetched, and that page is **skipped**
for the generation (at p = 1e-3, about one URL in a thousand once the filter holds ``capacity``
URLs; fewer before). There are no false negatives: a URL seen is never fetched twice. Past its
capacity the rate grows (2x the URLs: ~1.6e-2 at the default sizing). The string is allocated in
full when the filter is made: ``capacity`` sets the memory, not the URLs seen.

Redis 7's own ``BF.ADD`` needs the RedisBloom module (not in a plain redis-server: ``MODULE
LIST`` is empty here), so the filter is a bitfield: the ``k`` bit offsets come from the request's
fingerprint (double hashing of its SHA1, computed here) and one Lua script sets them and says
whether all were already set: atomic, so two workers adding one URL at once get one "new".

Settings: ``REVIEWCRAWL_SEEN = "bloom"`` (reviewcrawl.distributed), ``REVIEWCRAWL_BLOOM_CAPACITY``
(URLs, default 5,000,000: 8.6 MiB of bits, 10 MiB as Redis allocates it) and ``REVIEWCRAWL_BLOOM_ERROR_RATE`` (default 0.001).
"""

from __future__ import annotations

import math
from typing import Any, Self

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

__all__ = ["BloomDupeFilter", "bloom_size"]

#: a Redis string holds at most 512 MiB: 2**32 bits
MAX_BITS = 2**32

# KEYS: the filter; ARGV: bit offsets. 1 when every bit was set already (seen), else 0 (and now set).
_ADD = """
local seen = 1
for i = 1, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then seen = 0 end
end
return seen
"""

# KEYS: the filter; ARGV: its last bit. Allocates the whole string at once, when it does not exist
# yet: grown bit by bit, Redis over-allocates it (up to ~1.4x, benchmarks/distributed.py).
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SETBIT', KEYS[1], ARGV[1], 0) end
"""

# KEYS: the filter; ARGV: bit offsets. 1 when every bit is set (probably seen); changes nothing.
_CHECK = """
for i = 1, #ARGV do
  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
end
return 1
"""


def bloom_size(capacity: int, error_rate: float) -> tuple[int, int]:
    """(bits, hashes) of a Bloom filter for ``capacity`` items at ``error_rate``.

    >>> bloom_size(5_000_000, 0.001)
    (71887938, 10)
    """
    if capacity < 1 or not 0 < error_rate < 1:
        raise ValueError("a Bloom filter needs capacity >= 1 and 0 < error_rate < 1")
    bits = math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)
    if bits > MAX_BITS:
        raise ValueError(f"{capacity} URLs at {error_rate} need {bits} bits: more than a Redis string holds (2**32)")
    return bits, max(1, round(bits / capacity * math.log(2)))


def offsets(fingerprint: str, bits: int, hashes: int) -> list[int]:
    """The filter's bits for a SHA1 hex fingerprint: Kirsch-Mitzenmacher double hashing.

    >>> offsets("a9993e364706816aba3e25717850c26c9cd0d89d", 1000, 3)
    [330, 831, 332]
    """
    h1, h2 = int(fingerprint[:16], 16), int(fingerprint[16:32], 16) | 1
    return [(h1 + i * h2) % bits for i in range(hashes)]


class BloomDupeFilter(RFPDupeFilter):
    """scrapy-redis's RFPDupeFilter (same fingerprints, same key, same place in its Scheduler) with
    a Bloom filter instead of a set of fingerprints."""

    def __init__(self, server: Any, key: str, debug: bool = False, *, capacity: int = 5_000_000,
                 error_rate: float = 0.001) -> None:  # fmt: skip
        super().__init__(server, key, debug)
        self.bits, self.hashes = bloom_size(capacity, error_rate)
        self.script = server.register_script(_ADD)
        self.check = server.register_script(_CHECK)
        server.register_script(_CREATE)(keys=[key], args=[self.bits - 1])

    @classmethod
    def from_spider(cls, spider: Any) -> Self:
        plain = RFPDupeFilter.from_spider(spider)
        settings = spider.settings
        return cls(plain.server, plain.key, plain.debug, capacity=settings.getint("REVIEWCRAWL_BLOOM_CAPACITY"),
                   error_rate=settings.getfloat("REVIEWCRAWL_BLOOM_ERROR_RATE"))  # fmt: skip

    def request_seen(self, request: Request) -> bool:
        return self.seen_fingerprint(self.request_fingerprint(request))

    def seen_fingerprint(self, fingerprint: str) -> bool:
        """Add a fingerprint; True when it was (probably) there already."""
        return bool(self.script(keys=[self.key], args=offsets(fingerprint, self.bits, self.hashes)))

    def __contains__(self, fingerprint: str) -> bool:
        """Was the fingerprint (probably) added? Adds nothing (measuring the false-positive rate)."""
        return bool(self.check(keys=[self.key], args=offsets(fingerprint, self.bits, self.hashes)))
