"""The baseline: reviewcrawl's first near-copy index (issue 1), kept for the benchmark only.

Word 2-shingles, each hashed with blake2b, 128 MinHash permutations ((a*x + b) mod p with numpy),
42 bands of 3 rows, verification by estimated resemblance >= 0.55 or containment >= 0.85.
Measured in the same run as the current index (benchmarks/dedup.py), on the same texts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
ROWS = 3  # rows per band: 42 bands of 3 find pairs at resemblance 0.4 with p ~ 0.94
BANDS = NUM_PERM // ROWS
SHINGLE = 2
_PRIME = np.uint64(4294967311)  # smallest prime above 2**32: (a*x + b) stays below 2**64
_rng = np.random.default_rng(20250607)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, 2**32, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64)

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalize_text(text: str) -> str:
    """Unicode, quotes, case and white space folded: what two copies of one text share."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(_WORD_RE.findall(text))


def fingerprint(text: str) -> str:
    """Hash of the normalised text: equal for exact copies."""
    return hashlib.blake2b(normalize_text(text).encode("utf-8"), digest_size=8).hexdigest()


def _shingle_hashes(words: list[str]) -> np.ndarray:
    if not words:
        return np.zeros(0, dtype=np.uint64)
    grams = (
        words if len(words) < SHINGLE else [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    )
    hashes = {int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=4).digest(), "little") for g in grams}
    return np.fromiter(hashes, dtype=np.uint64, count=len(hashes))


def signature(text: str) -> tuple[np.ndarray, int]:
    """MinHash signature (NUM_PERM uint32) and the number of distinct shingles."""
    shingles = _shingle_hashes(normalize_text(text).split())
    if shingles.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), 0
    values = (_A[:, None] * shingles[None, :] + _B[:, None]) % _PRIME
    return values.min(axis=1).astype(np.uint32), int(shingles.size)


@dataclass(frozen=True)
class Match:
    key: str
    similarity: float  # estimated resemblance (Jaccard)
    containment: float  # estimated share of the smaller text found in the other
    exact: bool = False


class FirstIndex:
    """``add(key, text)`` returns the Match of an earlier near-copy, else indexes the text.

    Thresholds: resemblance >= 0.55 (copies with up to ~10% of words edited), or containment
    >= 0.85 of the smaller text when it has at least ``min_excerpt`` shingles (excerpts).
    Short texts (< ``short`` shingles) must be nearly identical: template phrases make short
    reviews look alike.
    """

    def __init__(self, storage: str | None = None, *, resemblance: float = 0.55, containment: float = 0.85,
                 short: int = 40, min_excerpt: int = 60) -> None:  # fmt: skip
        self.resemblance = resemblance
        self.containment = containment
        self.short = short
        self.min_excerpt = min_excerpt
        self._exact: dict[str, str] = {}
        self._keys: list[str] = []
        self._sizes: list[int] = []
        self._sigs: list[np.ndarray] = []
        self._bands: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]

    def __len__(self) -> int:
        return len(self._keys)

    def query(self, text: str) -> Match | None:
        return self._lookup(text, *signature(text))

    def _lookup(self, text: str, sig: np.ndarray, size: int) -> Match | None:
        exact = self._exact.get(fingerprint(text))
        if exact is not None:
            return Match(exact, 1.0, 1.0, exact=True)
        if size == 0:
            return None
        candidates: set[int] = set()
        for b in range(BANDS):
            bucket = self._bands[b].get(sig[b * ROWS : (b + 1) * ROWS].tobytes())
            if bucket:
                candidates.update(bucket)
        best: Match | None = None
        for i in sorted(candidates):
            j = float(np.mean(self._sigs[i] == sig))
            small, large = sorted((size, self._sizes[i]))
            # |A∩B| = J(|A|+|B|)/(1+J); containment of the smaller in the larger
            inter = j * (small + large) / (1 + j)
            c = min(1.0, inter / small) if small else 0.0
            if small < self.short:
                ok = j >= 0.9
            else:
                ok = j >= self.resemblance or (c >= self.containment and small >= self.min_excerpt)
            if ok and (best is None or (j, c) > (best.similarity, best.containment)):
                best = Match(self._keys[i], round(j, 4), round(c, 4))
        return best

    def add(self, key: str, text: str) -> Match | None:
        sig, size = signature(text)
        match = self._lookup(text, sig, size)
        if match is not None:
            return match
        self._exact[fingerprint(text)] = key
        i = len(self._keys)
        self._keys.append(key)
        self._sizes.append(size)
        self._sigs.append(sig)
        for b in range(BANDS):
            self._bands[b].setdefault(sig[b * ROWS : (b + 1) * ROWS].tobytes(), []).append(i)
        return None
