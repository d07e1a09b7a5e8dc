"""Near-copies of a review: the same text re-published with edits, boilerplate or cuts.

Pure functions and one index, no Scrapy: the NearDuplicatePipeline is a thin adapter.

- :mod:`~reviewcrawl.dedup.minhash`: words, word 3-shingles and a 128-bin one-permutation
  MinHash signature, vectorised with numpy;
- :mod:`~reviewcrawl.dedup.index`: :class:`NearDuplicateIndex`, LSH banding for candidates and
  verification by estimated resemblance *and* containment (an excerpt is contained in its
  original, so its resemblance alone is low); exact copies by hash; memory or SQLite storage;
- :mod:`~reviewcrawl.dedup.redis`: the same index in Redis, for workers on several machines.

>>> index = NearDuplicateIndex()
>>> text = " ".join(f"word{i} is here" for i in range(80))
>>> index.add("a", text) is None
True
>>> match = index.add("b", "Advertisement. " + text.replace("word7 ", "term7 "))
>>> match.key, match.exact
('a', False)
"""

from __future__ import annotations

import re
import unicodedata

from reviewcrawl.dedup.index import Match, NearDuplicateIndex, Thresholds, judge
from reviewcrawl.dedup.minhash import exact_hash, signature

__all__ = [
    "Match",
    "NearDuplicateIndex",
    "Thresholds",
    "exact_hash",
    "fingerprint",
    "fingerprint_of",
    "judge",
    "normalize_text",
    "signature",
]


def normalize_text(text: str) -> str:
    """The words of a text, much as the index reads them, joined by single spaces (for people and
    tests: the index itself hashes the bytes of each word, see :mod:`reviewcrawl.dedup.minhash`)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W]+", re.sub(r"[\u2000-\u206f\u0080-\u00bf]", " ", text)))


def fingerprint(text: str) -> str:
    """Hex digest of the text's words: equal for exact copies (case, white space, quotes aside)."""
    return fingerprint_of(exact_hash(text))


def fingerprint_of(exact: int) -> str:
    """The fingerprint of a text whose ``Signature.exact`` (or ``exact_hash``) is known."""
    return (exact & (2**64 - 1)).to_bytes(8, "big").hex()
