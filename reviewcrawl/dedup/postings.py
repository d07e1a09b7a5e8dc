"""A compact multimap from integer keys to document numbers, for the band index in memory.

A Python dict of lists costs ~100 bytes per entry; an index of a million reviews with 64 band
keys each would need gigabytes. Here recent entries wait in a small dict and are then written
as sorted numpy runs (key array + document array: 8 bytes per uint32 entry), merged like an LSM
tree so that a lookup searches a logarithmic number of runs.

Keys are hashes, spread evenly over 32 bits, so a run also keeps a directory by the keys' top
bits (about 16 entries per slot, a quarter of a byte per entry): a lookup reads each key's slot
in one vectorised gather, a few cache lines per key however large the run, where a binary search
of a run of millions would miss the cache at every step.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Postings"]


_SLOT_ENTRIES = 16  # mean entries per directory slot
_GATHER = 64  # widest slot read by one gather; wider slots (a popular key) are searched instead
_FANOUT = 8  # a run is merged into the one before it once it is an eighth of its size


class _Run:
    """Sorted keys, their documents, and the directory of where each top-bits slot starts."""

    __slots__ = ("_padded", "directory", "docs", "keys", "shift")

    def __init__(self, keys: np.ndarray, docs: np.ndarray) -> None:
        # _GATHER zeros after the keys: a gather may read past the last slot without a bounds check
        self._padded = np.zeros(keys.size + _GATHER, dtype=keys.dtype)
        self._padded[: keys.size] = keys
        self.keys, self.docs = self._padded[: keys.size], docs
        bits = max(1, min(30, int(np.ceil(np.log2(max(2, keys.size / _SLOT_ENTRIES))))))
        self.shift = np.uint32(32 - bits)
        counts = np.bincount(keys >> self.shift, minlength=1 << bits)
        self.directory = np.zeros(counts.size + 1, dtype=np.uint32 if keys.size < 2**32 else np.uint64)
        np.cumsum(counts, out=self.directory[1:])

    @property
    def nbytes(self) -> int:
        return self._padded.nbytes + self.docs.nbytes + self.directory.nbytes

    def merge(self, newer: _Run) -> _Run:
        """Both runs in one, in linear time (newer entries after older ones of an equal key)."""
        ak, ad, bk, bd = self.keys, self.docs, newer.keys, newer.docs
        at = np.searchsorted(ak, bk, side="right") + np.arange(bk.size)
        keys = np.empty(ak.size + bk.size, dtype=ak.dtype)
        docs = np.empty(keys.size, dtype=ad.dtype)
        rest = np.ones(keys.size, dtype=bool)
        rest[at] = False
        keys[at], docs[at] = bk, bd
        keys[rest], docs[rest] = ak, ad
        return _Run(keys, docs)

    def find(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(which query, document) of every entry whose key is among the queries."""
        slot = queries >> self.shift
        lo = self.directory[slot].astype(np.intp)
        hi = self.directory[slot + 1].astype(np.intp)
        widest = int((hi - lo).max())
        if widest == 0:
            return None
        if widest > _GATHER:  # a popular key: search instead of reading its whole slot
            lo = np.searchsorted(self.keys, queries, side="left")
            hi = np.searchsorted(self.keys, queries, side="right")
            counts = hi - lo
            if not counts.any():
                return None
            which = np.repeat(np.arange(queries.size), counts)
            at = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            return which, self.docs[at]
        at = lo[:, None] + np.arange(widest)  # each key's slot, and what follows it up to the widest
        equal = self._padded[at] == queries[:, None]  # past a slot the top bits differ: no match
        if not equal.any():  # the common case, and the cheap one
            return None
        equal &= at < hi[:, None]  # but the padding's zeros could equal a query of 0
        which, column = np.nonzero(equal)
        if which.size == 0:
            return None
        return which, self.docs[at[which, column]]


def _sorted_run(keys: np.ndarray, docs: np.ndarray) -> _Run:
    """A run of distinct (key, doc) pairs sorted by key, then doc: one sort of 64-bit words,
    several times faster than a stable argsort of the keys."""
    pairs = (np.ravel(keys).astype(np.uint64) << np.uint64(32)) | np.ravel(docs).astype(np.uint64)
    pairs.sort()
    if pairs.size > 1:
        repeated = pairs[1:] == pairs[:-1]
        if repeated.any():
            pairs = pairs[np.concatenate([[True], ~repeated])]
    return _Run((pairs >> np.uint64(32)).astype(np.uint32), pairs.astype(np.uint32))


class Postings:
    """``add(keys, doc)`` files one document under several keys (once under a key it gives twice);
    ``lookup(keys)`` returns the documents filed under any of them (one per key they share).

    A key filed under more than ``max_bucket`` documents is skipped by lookups: it says nothing
    about any one of them (a boilerplate shingle shared by a whole site, say).
    """

    def __init__(self, *, buffer_docs: int = 2048, max_bucket: int = 500) -> None:
        self.dtype = np.dtype(np.uint32)
        self.buffer_docs = buffer_docs
        self.max_bucket = max_bucket
        if max_bucket < _GATHER:
            raise ValueError(f"max_bucket must be at least {_GATHER}")
        self._buffer: dict[int, int | list[int]] = {}  # a key's one document, or its list
        self._buffered_docs = 0
        # the same entries in the order they came, for flush: no walk over the dict
        self._pending_keys = np.zeros(buffer_docs * 66, dtype=np.uint32)
        self._pending_docs = np.zeros(buffer_docs * 66, dtype=np.uint32)
        self._pending = 0
        self._runs: list[_Run] = []

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted runs (the buffer is bounded and small)."""
        return sum(r.nbytes for r in self._runs)

    def add(self, keys: np.ndarray, doc: int) -> None:
        buffer = self._buffer
        first = buffer.setdefault
        for key in keys.tolist():
            old = first(key, doc)
            if isinstance(old, list):  # the key had documents: keep them all, in order, once each
                if old[-1] != doc:
                    old.append(doc)
            elif old != doc:
                buffer[key] = [old, doc]
        end = self._pending + keys.size
        if end > self._pending_keys.size:
            self._pending_keys = np.concatenate([self._pending_keys, np.zeros_like(self._pending_keys)])
            self._pending_docs = np.concatenate([self._pending_docs, np.zeros_like(self._pending_docs)])
        self._pending_keys[self._pending : end] = keys
        self._pending_docs[self._pending : end] = doc
        self._pending = end
        self._buffered_docs += 1
        if self._buffered_docs >= self.buffer_docs:
            self.flush()

    def add_many(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """File a batch at once (when an index is loaded from disk): keys and docs of equal shape."""
        if np.size(keys):
            self._push(_sorted_run(keys, docs))

    def flush(self) -> None:
        if not self._buffer:
            return
        run = _sorted_run(self._pending_keys[: self._pending], self._pending_docs[: self._pending])
        self._buffer, self._buffered_docs, self._pending = {}, 0, 0
        self._push(run)

    def _push(self, run: _Run) -> None:
        self._runs.append(run)
        # run sizes fall by a factor of _FANOUT or more: at most log8(n / buffer) + 1 runs to search
        # (4 at a million texts), each entry moved about _FANOUT / 2 times per level by merges
        while len(self._runs) > 1 and self._runs[-2].keys.size <= _FANOUT * self._runs[-1].keys.size:
            last = self._runs.pop()
            self._runs[-1] = self._runs[-1].merge(last)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The documents filed under any of the keys, once per key they share; keys filed under
        more than max_bucket documents in all are left out."""
        queries = keys.astype(self.dtype, copy=False)
        whiches: list[np.ndarray] = []
        found: list[np.ndarray] = []
        if self._buffer:
            hits = [(i, b) for i, b in enumerate(map(self._buffer.get, queries.tolist())) if b is not None]
            if hits:
                pairs = [(i, d) for i, b in hits for d in (b if isinstance(b, list) else (b,))]
                both = np.array(pairs, dtype=np.int64)
                whiches.append(both[:, 0])
                found.append(both[:, 1].astype(np.uint32))
        for run in self._runs:
            hit = run.find(queries)
            if hit is not None:
                whiches.append(hit[0])
                found.append(hit[1])
        if not found:
            return np.zeros(0, dtype=np.uint32)
        which, docs = np.concatenate(whiches), np.concatenate(found)
        counts = np.bincount(which, minlength=queries.size)
        if counts.max() > self.max_bucket:
            docs = docs[counts[which] <= self.max_bucket]
        return docs
