"""A compact multimap from integer keys to document numbers, for the band index in memory.

A Python dict of lists costs ~100 bytes per entry; an index of a million reviews with 64 band
keys each would need gigabytes. Here recent entries wait in a small dict and are then written
as sorted numpy runs (key array + document array: 8 bytes per uint32 entry), merged like an LSM
tree so that a lookup searches a logarithmic number of runs with one ``searchsorted`` each.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Postings"]


def _merge(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted runs in linear time (b's entries go after a's equal keys: insertion order)."""
    (ak, ad), (bk, bd) = a, b
    at = np.searchsorted(ak, bk, side="right") + np.arange(bk.size)
    keys = np.empty(ak.size + bk.size, dtype=ak.dtype)
    docs = np.empty(keys.size, dtype=ad.dtype)
    rest = np.ones(keys.size, dtype=bool)
    rest[at] = False
    keys[at], docs[at] = bk, bd
    keys[rest], docs[rest] = ak, ad
    return keys, docs


class Postings:
    """``add(keys, doc)`` files one document under several keys; ``lookup(keys)`` returns the
    documents filed under any of them (with repeats: one per key they share).

    A key filed under more than ``max_bucket`` documents is skipped by lookups: it says nothing
    about any one of them (a boilerplate shingle shared by a whole site, say).
    """

    def __init__(self, dtype: type = np.uint32, *, buffer_docs: int = 2048, max_bucket: int = 500) -> None:
        self.dtype = np.dtype(dtype)
        self.buffer_docs = buffer_docs
        self.max_bucket = max_bucket
        self._buffer: dict[int, list[int]] = {}
        self._buffered_docs = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(k.size for k, _ in self._runs) + sum(len(v) for v in self._buffer.values())

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted runs (the buffer is bounded and small)."""
        return sum(k.nbytes + d.nbytes for k, d in self._runs)

    def add(self, keys: np.ndarray, doc: int) -> None:
        buffer = self._buffer
        for key in keys.tolist():
            bucket = buffer.get(key)
            if bucket is None:
                buffer[key] = [doc]
            else:
                bucket.append(doc)
        self._buffered_docs += 1
        if self._buffered_docs >= self.buffer_docs:
            self.flush()

    def add_many(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """File a batch at once (when an index is loaded from disk): keys and docs of equal shape."""
        keys = np.ascontiguousarray(keys, dtype=self.dtype).ravel()
        docs = np.ascontiguousarray(docs, dtype=np.uint32).ravel()
        if keys.size:
            order = np.argsort(keys, kind="stable")
            self._push((keys[order], docs[order]))

    def flush(self) -> None:
        if not self._buffer:
            return
        sizes = [len(v) for v in self._buffer.values()]
        keys = np.repeat(np.fromiter(self._buffer.keys(), dtype=self.dtype, count=len(sizes)), sizes)
        docs = np.fromiter((d for v in self._buffer.values() for d in v), dtype=np.uint32, count=keys.size)
        order = np.argsort(keys, kind="stable")
        self._buffer, self._buffered_docs = {}, 0
        self._push((keys[order], docs[order]))

    def _push(self, run: tuple[np.ndarray, np.ndarray]) -> None:
        self._runs.append(run)
        # keep run sizes decreasing by at least half each: O(log n) runs, each entry merged O(log n) times
        while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
            last = self._runs.pop()
            self._runs[-1] = _merge(self._runs[-1], last)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        found: list[np.ndarray] = []
        buffer, cap = self._buffer, self.max_bucket
        if buffer:
            hits = [b for b in map(buffer.get, keys.tolist()) if b is not None and len(b) <= cap]
            if hits:
                found.append(np.fromiter((d for b in hits for d in b), dtype=np.uint32))
        queries = np.sort(keys.astype(self.dtype, copy=False))  # sorted queries: searchsorted walks forward
        for run_keys, run_docs in self._runs:
            lo = np.searchsorted(run_keys, queries, side="left")
            hi = np.searchsorted(run_keys, queries, side="right")
            spans = np.flatnonzero((hi > lo) & (hi - lo <= cap))
            found.extend(run_docs[lo[i] : hi[i]] for i in spans.tolist())
        if not found:
            return np.zeros(0, dtype=np.uint32)
        return np.concatenate(found)
