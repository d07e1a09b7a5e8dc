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


class _Run:
    """Sorted keys, their documents, and the directory of where each top-bits slot starts."""

    __slots__ = ("directory", "docs", "keys", "shift")

    def __init__(self, keys: np.ndarray, docs: np.ndarray) -> None:
        self.keys, self.docs = keys, docs
        bits = max(1, min(30, int(np.ceil(np.log2(max(2, keys.size / _SLOT_ENTRIES))))))
        self.shift = np.uint32(32 - bits)
        counts = np.bincount(keys >> self.shift, minlength=1 << bits)
        self.directory = np.zeros(counts.size + 1, dtype=np.uint32 if keys.size < 2**32 else np.uint64)
        np.cumsum(counts, out=self.directory[1:])

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.docs.nbytes + self.directory.nbytes

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

    def find(self, queries: np.ndarray, cap: int) -> list[np.ndarray]:
        slot = queries >> self.shift
        lo = self.directory[slot].astype(np.intp)
        width = self.directory[slot + 1].astype(np.intp) - lo
        widest = int(width.max())
        if widest == 0:
            return []
        if widest > _GATHER:
            return self._search(queries, cap)
        offsets = np.arange(widest)
        inside = offsets < width[:, None]
        at = np.where(inside, lo[:, None] + offsets, 0)
        equal = (self.keys[at] == queries[:, None]) & inside
        per_key = equal.sum(axis=1)
        if not per_key.any():
            return []
        equal &= (per_key <= cap)[:, None]
        return [self.docs[at[equal]]]

    def _search(self, queries: np.ndarray, cap: int) -> list[np.ndarray]:
        lo = np.searchsorted(self.keys, queries, side="left")
        hi = np.searchsorted(self.keys, queries, side="right")
        spans = np.flatnonzero((hi > lo) & (hi - lo <= cap))
        return [self.docs[lo[i] : hi[i]] for i in spans.tolist()]


class Postings:
    """``add(keys, doc)`` files one document under several keys; ``lookup(keys)`` returns the
    documents filed under any of them (with repeats: one per key they share).

    A key filed under more than ``max_bucket`` documents is skipped by lookups: it says nothing
    about any one of them (a boilerplate shingle shared by a whole site, say).
    """

    def __init__(self, *, buffer_docs: int = 2048, max_bucket: int = 500) -> None:
        self.dtype = np.dtype(np.uint32)
        self.buffer_docs = buffer_docs
        self.max_bucket = max_bucket
        self._buffer: dict[int, int | list[int]] = {}  # a key's one document, or its list
        self._buffered_docs = 0
        self._runs: list[_Run] = []

    def __len__(self) -> int:
        buffered = sum(len(v) if isinstance(v, list) else 1 for v in self._buffer.values())
        return sum(r.keys.size for r in self._runs) + buffered

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted runs (the buffer is bounded and small)."""
        return sum(r.nbytes for r in self._runs)

    def add(self, keys: np.ndarray, doc: int) -> None:
        buffer = self._buffer
        first = buffer.setdefault
        for key in keys.tolist():
            old = first(key, doc)
            if old != doc:  # the key had documents: keep them all, in order
                if isinstance(old, list):
                    old.append(doc)
                else:
                    buffer[key] = [old, doc]
        self._buffered_docs += 1
        if self._buffered_docs >= self.buffer_docs:
            self.flush()

    def add_many(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """File a batch at once (when an index is loaded from disk): keys and docs of equal shape."""
        keys = np.ascontiguousarray(keys, dtype=self.dtype).ravel()
        docs = np.ascontiguousarray(docs, dtype=np.uint32).ravel()
        if keys.size:
            order = np.argsort(keys, kind="stable")
            self._push(_Run(keys[order], docs[order]))

    def flush(self) -> None:
        if not self._buffer:
            return
        lists = [v if isinstance(v, list) else [v] for v in self._buffer.values()]
        sizes = [len(v) for v in lists]
        keys = np.repeat(np.fromiter(self._buffer.keys(), dtype=self.dtype, count=len(sizes)), sizes)
        docs = np.fromiter((d for v in lists for d in v), dtype=np.uint32, count=keys.size)
        order = np.argsort(keys, kind="stable")
        self._buffer, self._buffered_docs = {}, 0
        self._push(_Run(keys[order], docs[order]))

    def _push(self, run: _Run) -> None:
        self._runs.append(run)
        # keep run sizes decreasing by at least half each: O(log n) runs, each entry merged O(log n) times
        while len(self._runs) > 1 and self._runs[-2].keys.size <= 2 * self._runs[-1].keys.size:
            last = self._runs.pop()
            self._runs[-1] = self._runs[-1].merge(last)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        found: list[np.ndarray] = []
        buffer, cap = self._buffer, self.max_bucket
        if buffer:
            hits = [b for b in map(buffer.get, keys.tolist()) if b is not None]
            if hits:
                docs = [
                    d
                    for b in hits
                    if not isinstance(b, list) or len(b) <= cap
                    for d in (b if isinstance(b, list) else (b,))
                ]
                found.append(np.array(docs, dtype=np.uint32))
        queries = keys.astype(self.dtype, copy=False)
        for run in self._runs:
            found.extend(run.find(queries, cap))
        if not found:
            return np.zeros(0, dtype=np.uint32)
        return np.concatenate(found)
