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
capacity the rate grows fast: ``(1 - exp(-k n / m)) ** k``, at the default sizing (p = 1e-3, 10
hashes) ~0.057 at twice the capacity (measured: 0.057) and ~0.26 at three times, so about one new
URL in 18, then one in 4, is skipped. The filter counts the URLs it added (``{seen}:count``, one
INCR per new URL, in the same script) and a worker whose insert finds the count past ``capacity``
logs one warning and sets the stat ``reviewcrawl/distributed/bloom_over_capacity``, which the run
summary lists among its warnings: raise ``REVIEWCRAWL_BLOOM_CAPACITY`` for the next generation.
The string is allocated in full when the filter is made: ``capacity`` sets the memory, not the URLs seen.

Redis 7's own ``BF.ADD`` needs the RedisBloom module (not in a plain redis-server: ``MODULE
LIST`` is empty here), so the filter is a bitfield: the ``k`` bit offsets come from the request's
fingerprint (double hashing of its SHA1, computed here) and one Lua script sets them and says
whether all were already set: atomic, so two workers adding one URL at once get one "new".

Settings: ``REVIEWCRAWL_SEEN = "bloom"`` (reviewcrawl.distributed), ``REVIEWCRAWL_BLOOM_CAPACITY``
(URLs, default 5,000,000: 8.6 MiB of bits, 10 MiB as Redis allocates it) and ``REVIEWCRAWL_BLOOM_ERROR_RATE`` (default 0.001).
"""

from __future__ import annotations

import logging
import math
from typing import Any, Self

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

__all__ = ["BloomDupeFilter", "bloom_size"]

logger = logging.getLogger(__name__)

#: stats key: the filter's count of URLs when a worker found it past its capacity
OVER_CAPACITY = "reviewcrawl/distributed/bloom_over_capacity"

#: a Redis string holds at most 512 MiB: 2**32 bits
MAX_BITS = 2**32

# KEYS: the filter, its count of URLs added; ARGV: bit offsets. {1, count} when every bit was set
# already (seen), else {0, count} (the bits now set, the count one more).
_ADD = """
local seen = 1
for i = 1, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then seen = 0 end
end
local count
if seen == 0 then count = redis.call('INCR', KEYS[2]) else count = tonumber(redis.call('GET', KEYS[2]) or 0) end
return {seen, count}
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
        self.capacity = capacity
        self.count_key = f"{key}:count"
        #: a stats collector (the scheduler's) for OVER_CAPACITY, or None
        self.stats: Any = None
        self.over_capacity = False
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
        seen, count = self.script(keys=[self.key, self.count_key], args=offsets(fingerprint, self.bits, self.hashes))
        if int(count) > self.capacity and not self.over_capacity:
            self.over_capacity = True
            logger.warning("The Bloom filter seen-set %s holds %d URLs, more than its capacity %d: new URLs are "
                           "skipped as seen more often than REVIEWCRAWL_BLOOM_ERROR_RATE (now ~%.1f%%); raise "
                           "REVIEWCRAWL_BLOOM_CAPACITY", self.key, int(count), self.capacity,
                           100 * self.false_positive_rate(int(count)))  # fmt: skip
            if self.stats is not None:
                self.stats.set_value(OVER_CAPACITY, int(count))
        return bool(seen)

    def false_positive_rate(self, count: int) -> float:
        """The filter's false-positive rate once it holds ``count`` URLs (the textbook estimate)."""
        return float((1 - math.exp(-self.hashes * count / self.bits)) ** self.hashes) if count else 0.0

    def __contains__(self, fingerprint: str) -> bool:
        """Was the fingerprint (probably) added? Adds nothing (measuring the false-positive rate)."""
        return bool(self.check(keys=[self.key], args=offsets(fingerprint, self.bits, self.hashes)))
