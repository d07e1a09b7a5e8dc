"""Text to words to shingles to a MinHash signature, vectorised with numpy.

One-permutation MinHash (Li, Owen & Zhang 2012) with optimal densification (Shrivastava 2017):
every shingle is hashed once to 64 bits; the top 7 bits choose one of 128 bins and the smallest
hash in each bin is that bin's value; an empty bin borrows the value of a non-empty bin found by
a fixed probe sequence. Two signatures agree in a bin with probability equal to the Jaccard
resemblance of the two shingle sets, as with 128 independent permutations, at the cost of one
hash per shingle instead of 128. Only the low 16 bits of each value are kept (b-bit MinHash,
Li & König 2010): 256 bytes per signature, and a chance agreement of 1 in 65,536 per bin.

Words are read in numpy too: after NFKC and case folding, a word is a run of ASCII letters,
digits or ``_`` or of non-ASCII letters (UTF-8 bytes from 0x80); the general punctuation block
(dashes, curly quotes, ellipsis, U+2000-U+206F), CJK punctuation (U+3000-U+303F) and Latin-1
punctuation (« » ¿ · no-break space) separate words. (Text without spaces, as in Chinese or
Japanese, is read as few long words: its copies are found when exact or nearly so.) Each word is hashed by a polynomial over its bytes computed with prefix sums,
then a word shingle (``SHINGLE`` words in a row) by mixing its words' hashes. Hashes are fixed
constants, never Python's salted ``hash()``: signatures are stored and compared across runs.
"""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np

__all__ = ["BINS", "SHINGLE", "Signature", "exact_hash", "shingle_hashes", "signature", "word_hashes"]

BINS = 128
SHINGLE = 3
MAX_CHARS = 1_000_000  # a review's first million characters are plenty to know it by (and bound the memory)
_BIN_SHIFT = np.uint64(64 - 7)  # top 7 bits of a shingle hash: its bin (BINS = 2**7)
_LOW16 = np.uint64(0xFFFF)

_U = np.uint64
_P = _U(0x100000001B3)  # FNV-64 prime: odd, so invertible modulo 2**64
_P_INV = _U(pow(0x100000001B3, -1, 2**64))
# one odd multiplier per word position in a shingle
_POSITION = tuple(_U(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5))

# bytes that belong to a word (after case folding): ASCII letters, digits, "_", and every byte of
# a multi-byte UTF-8 sequence (letters of other scripts), except the punctuation masked below
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[*b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True
_WORD_BYTE[0x80:] = True

# multi-byte punctuation: (lead byte, bytes, mask and value of the second byte)
_PUNCTUATION = ((0xE2, 3, 0xFE, 0x80), (0xE3, 3, 0xFF, 0x80), (0xC2, 2, 0, 0))

_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    x = x ^ (x >> _U(30))
    x = x * _U(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U(27))
    x = x * _U(0x94D049BB133111EB)
    return x ^ (x >> _U(31))


def _grow_powers(n: int) -> None:
    global _powers, _inverse_powers
    if n > _powers.size:
        size = max(n, 2 * _powers.size)
        _powers, _inverse_powers = (np.full(size, m, dtype=np.uint64) for m in (_P, _P_INV))
        _powers[0] = _inverse_powers[0] = 1
        _powers, _inverse_powers = np.cumprod(_powers), np.cumprod(_inverse_powers)


def word_hashes(text: str) -> np.ndarray:
    """One 64-bit hash per word of the text, in order (see the module's docstring for 'word')."""
    text = text[:MAX_CHARS]
    ascii = text.isascii()  # NFKC leaves ASCII as it is, and it has no multi-byte punctuation
    # a soft hyphen (U+00AD) is where a word may break, not a break: "extra\xadordinary" is one word
    folded = text.lower() if ascii else unicodedata.normalize("NFKC", text.replace("\xad", "")).casefold()
    data = np.frombuffer(folded.encode("utf-8", "replace"), np.uint8)
    n = data.size
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    is_word = np.zeros(n + 2, dtype=bool)  # padded: a text starts and ends outside a word
    inner = is_word[1:-1]
    np.take(_WORD_BYTE, data, out=inner)
    # U+2000-U+206F (E2 80 xx, E2 81 xx): dashes, quotes, ellipsis, spaces; U+3000-U+303F
    # (E3 80 xx): CJK punctuation; U+0080-U+00BF (C2 xx): Latin-1 punctuation
    for lead, width, mask, follow in () if ascii else _PUNCTUATION:
        at = np.flatnonzero(data[: n - width + 1] == lead)
        if at.size:
            if mask:
                at = at[(data[at + 1] & mask) == follow]
            for k in range(width):
                inner[at + k] = False
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])  # start, end, start, end ...
    if edges.size == 0:
        return np.zeros(0, dtype=np.uint64)
    starts, ends = edges[0::2], edges[1::2]
    _grow_powers(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum((data.astype(np.uint64) + _U(1)) * _powers[:n], out=prefix[1:])
    # a polynomial hash of each word's bytes; _mix in shingle_hashes spreads its bits
    return (prefix[ends] - prefix[starts]) * _inverse_powers[starts]


def shingle_hashes(words: np.ndarray, size: int = SHINGLE) -> np.ndarray:
    """Sorted hashes of the word shingles, repeats included (a text shorter than one shingle is one)."""
    if words.size == 0:
        return words
    n = max(words.size - size + 1, 1)
    combined = np.zeros(n, dtype=np.uint64)
    for k in range(min(size, words.size)):
        combined += words[k : k + n] * _POSITION[k]
    shingles = _mix(combined)
    shingles.sort()
    return shingles


_BIN_STARTS = np.arange(BINS, dtype=np.uint64) << _BIN_SHIFT
_BIN_IDS = np.arange(BINS, dtype=np.uint64)
# optimal densification: the fixed probe sequence of every bin (bins, attempts)
_PROBES = (
    _mix((_BIN_IDS[:, None] * _U(0x9FB21C651E98DF25)) + np.arange(1, 65, dtype=np.uint64)[None, :]) % _U(BINS)
).astype(np.intp)


class Signature:
    """A text's MinHash signature (BINS uint16), its number of distinct shingles (``size``) and
    the hash of its words (``exact``: equal for copies that differ only in case, white space,
    punctuation or quotes; signed 64-bit, as a database column holds it)."""

    __slots__ = ("exact", "size", "values")

    def __init__(self, values: np.ndarray, size: int, exact: int) -> None:
        self.values = values
        self.size = size
        self.exact = exact


def _exact(words: np.ndarray) -> int:
    return int.from_bytes(hashlib.blake2b(words.tobytes(), digest_size=8).digest(), "little", signed=True)


def signature(text: str) -> Signature:
    words = word_hashes(text)
    shingles = shingle_hashes(words)
    if shingles.size == 0:
        return Signature(np.zeros(BINS, dtype=np.uint16), 0, _exact(words))
    distinct = int(np.count_nonzero(shingles[1:] != shingles[:-1])) + 1
    at = np.searchsorted(shingles, _BIN_STARTS)
    first = shingles[np.minimum(at, shingles.size - 1)]
    filled = (at < shingles.size) & ((first >> _BIN_SHIFT) == _BIN_IDS)
    values = (first & _LOW16).astype(np.uint16)
    if not filled.all():
        empty = np.flatnonzero(~filled)
        for attempt in range(_PROBES.shape[1]):
            probe = _PROBES[empty, attempt]
            found = filled[probe]
            values[empty[found]] = values[probe[found]]
            empty = empty[~found]
            if empty.size == 0:
                break
        else:  # a text of a few shingles: what no probe reached takes the smallest shingle's value
            values[empty] = np.uint16(shingles[0] & _LOW16)
    return Signature(values, distinct, _exact(words))


def exact_hash(text: str) -> int:
    """The ``exact`` hash of :class:`Signature` alone."""
    return _exact(word_hashes(text))
