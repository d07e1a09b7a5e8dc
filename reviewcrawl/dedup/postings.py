"""A compact multimap from integer keys to document numbers, for the band index in memory.

A Python dict of lists costs ~100 bytes per entry; an index of a million reviews with 64 band
keys each would need gigabytes. Here recent entries wait in a small dict and are then written
as sorted runs of 8-byte entries ``key << 32 | doc``, merged like an LSM tree. What a text
costs must not grow with the index (benchmarks/RESULTS.md, "cost per text"), so:

- every run lives in one array, one after another (largest first), and their directories in
  another: keys are hashes, spread evenly over 32 bits, so each run keeps where every top-bits
  slot of it starts (about 8 entries per slot, half a byte per entry). A lookup reads the slot
  of every key in every run in *one* gather: a fixed number of numpy operations whether there
  are one or four runs (a search per run cost one more set of them for every run);
- entries sorted by (key, doc) are in the order they were filed (documents are numbered as
  they come), so merging the last runs is sorting the tail of the array where they lie next to
  each other: numpy's stable sort (timsort) finds the sorted runs and merges them in linear
  time, in place, ~2 ns an entry; the array grows in place (``realloc``), never copied whole;
- a key filed under more than ``max_bucket`` documents is skipped by lookups anyway, so when a
  merge finds one it marks its entries as stop marks (document ``STOP``), and once they are a
  sixteenth of the merged entries it keeps one mark per key: the runs do not hold a common
  phrase's thousands of entries, and a lookup drops a key on seeing its mark. (Dropping them at
  every merge would move the whole run each time: more than the merge itself.)
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["STOP", "Postings"]

STOP = np.uint32(0xFFFFFFFF)  # the document of a key's stop mark: more than max_bucket documents
_SLOT_ENTRIES = 8  # mean entries per directory slot: a lookup reads ~16 entries per key and run
_GATHER = 64  # the widest slot read by the common gather; wider slots are read on their own
_FANOUT = 8  # a run is merged into the one before it once it is an eighth of its size
_GROW = 8  # the arrays grow by an eighth when full: at most 1/9 of them unused
_COMPACT = 16  # a merge drops the entries of keys over the cap once they are a 16th of its entries


class _Array:
    """A growable 1-D array: ``data[:size]`` is used, the rest is room, at least ``pad`` of it.

    It grows by an eighth, in place when it can (``realloc``: a large array's pages are
    remapped, not copied), so that growing costs the same per entry at any size; which means
    that no view of ``data`` may be kept across :meth:`reserve`.
    """

    __slots__ = ("data", "pad", "size")

    def __init__(self, dtype: type, pad: int = 0) -> None:
        self.data = np.zeros(pad, dtype=dtype)
        self.pad = pad
        self.size = 0

    def reserve(self, size: int) -> None:
        if size + self.pad > self.data.size:
            room = size // _GROW if self.size else 0  # a first batch (an index loaded from disk) fits exactly
            self.data.resize(max(size + room, 1024) + self.pad, refcheck=False)

    def extend(self, values: np.ndarray) -> None:
        self.reserve(self.size + values.size)
        self.data[self.size : self.size + values.size] = values
        self.size += values.size


_EMPTY = np.zeros(0, dtype=np.uint32)
_NONE = np.zeros(0, dtype=np.int64)
_HIGH = np.uint64(32)


def _halves(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys and the documents of entries ``key << 32 | doc``, as uint32 views (no copy)."""
    words = pairs.view(np.uint32)
    return (words[..., 1::2], words[..., 0::2]) if sys.byteorder == "little" else (words[..., 0::2], words[..., 1::2])


def _collapse(pairs: np.ndarray, max_bucket: int) -> np.ndarray:
    """Sorted entries in which every key of more than max_bucket documents, or with a stop mark
    among its entries, is stopped: its entries become stop marks (``key << 32 | STOP``, in place,
    still sorted), and once such entries are a _COMPACT-th of the run all but one per key are
    dropped (a new array)."""
    keys, docs = _halves(pairs)
    stopped = [keys[docs == STOP]]
    if pairs.size > max_bucket:  # a key of more entries: equal to the key max_bucket entries on
        stopped.append(keys[max_bucket:][keys[max_bucket:] == keys[:-max_bucket]])
    stop = np.unique(np.concatenate(stopped))
    if stop.size == 0:
        return pairs
    lo = np.searchsorted(keys, stop, side="left")
    hi = np.searchsorted(keys, stop, side="right")
    drop = hi - lo - 1  # every entry of a stopped key but its last
    dropped = np.repeat(lo - np.cumsum(drop) + drop, drop) + np.arange(int(drop.sum()))
    docs[hi - 1] = STOP
    if dropped.size * _COMPACT < pairs.size:  # too few to pay for moving every entry after them:
        docs[dropped] = STOP  # they become stop marks too, and go in a later merge
        return pairs
    keep = np.ones(pairs.size, dtype=bool)
    keep[dropped] = False
    return pairs[keep]


def _sorted_entries(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Distinct entries ``key << 32 | doc``, sorted: by key, then doc (the order they were filed in)."""
    pairs = (np.ravel(keys).astype(np.uint64) << _HIGH) | np.ravel(docs).astype(np.uint64)
    pairs.sort()
    if pairs.size > 1:
        repeated = pairs[1:] == pairs[:-1]
        if repeated.any():
            pairs = pairs[np.concatenate([[True], ~repeated])]
    return pairs


def _slot_bits(entries: int) -> int:
    return max(1, min(30, int(np.ceil(np.log2(max(2, entries / _SLOT_ENTRIES))))))


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
        if max_bucket < 1:
            raise ValueError("max_bucket must be at least 1")
        self._buffer: dict[int, int | list[int]] = {}  # a key's one document, or its list
        self._buffered_docs = 0
        # the same entries in the order they came, for flush: no walk over the dict
        self._pending_keys = np.zeros(buffer_docs * 66, dtype=np.uint32)
        self._pending_docs = np.zeros(buffer_docs * 66, dtype=np.uint32)
        self._pending = 0
        # the runs, largest first, one after another: entries [start, end), directory from dir_start
        self._pairs = _Array(np.uint64, pad=_GATHER)  # room after the last run: a gather needs no bounds check
        self._dirs = _Array(np.uint32)  # absolute positions in _pairs; uint64 past 4 billion entries
        self._runs: list[tuple[int, int, int, int]] = []  # (start, end, dir_start, shift)
        self._shifts = np.zeros((0, 1), dtype=np.uint32)
        self._dir_starts = np.zeros((0, 1), dtype=np.int64)
        self._views()

    def _views(self) -> None:
        self._keys, self._docs = _halves(self._pairs.data)

    @property
    def nbytes(self) -> int:
        """Bytes held by the runs (the buffer is bounded and small)."""
        return self._pairs.data.nbytes + self._dirs.data.nbytes

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
            self._push(_sorted_entries(keys, docs))

    def flush(self) -> None:
        if not self._buffer:
            return
        pairs = _sorted_entries(self._pending_keys[: self._pending], self._pending_docs[: self._pending])
        self._buffer, self._buffered_docs, self._pending = {}, 0, 0
        self._push(pairs)

    def _push(self, pairs: np.ndarray) -> None:
        """Append a sorted run, then merge the last two runs while the last is at least an eighth
        of the one before it: run sizes fall by a factor of _FANOUT or more, so there are at most
        log8(n / buffer) + 1 runs (4 at a million texts). A merge is a stable sort of the tail of
        the array, the runs it holds next to each other: a sort that finds sorted runs and merges
        them (timsort), in linear time and in place; each entry is moved about _FANOUT / 2 times
        per level."""
        runs, store = self._runs, self._pairs
        self._keys = self._docs = _EMPTY  # views of store.data, which extend may move
        start = store.size
        store.extend(pairs)
        while runs and runs[-1][1] - runs[-1][0] <= _FANOUT * (store.size - start):
            start, _, self._dirs.size, _ = runs.pop()
        tail = store.data[start : store.size]
        if tail.size > pairs.size:
            tail.sort(kind="stable")
        kept = _collapse(tail, self.max_bucket)
        if kept.size < tail.size:
            store.data[start : start + kept.size] = kept
            store.size = start + kept.size
        bits = _slot_bits(kept.size)
        if store.size >= 2**32 and self._dirs.data.dtype != np.uint64:
            self._dirs.data = self._dirs.data.astype(np.uint64)
        # where each slot's keys start, and the run's end: sorted needles, a linear walk in effect
        directory = np.empty((1 << bits) + 1, dtype=self._dirs.data.dtype)
        firsts = np.arange(1 << bits, dtype=np.uint32) << np.uint32(32 - bits)  # each slot's first key
        directory[:-1] = np.searchsorted(_halves(kept)[0], firsts)
        directory[-1] = kept.size
        directory += start
        runs.append((start, store.size, self._dirs.size, 32 - bits))
        self._dirs.extend(directory)
        self._shifts = np.array([[r[3]] for r in runs], dtype=np.uint32)
        self._dir_starts = np.array([[r[2]] for r in runs], dtype=np.int64)
        self._views()

    def _find(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(which query, document) of every run entry whose key is among the queries: one
        gather over every run at once (runs x queries x the widest slot)."""
        if not self._runs:
            return None
        slots = (queries >> self._shifts) + self._dir_starts  # (runs, queries)
        lo = self._dirs.data[slots]
        width = self._dirs.data[slots + 1] - lo
        widest = int(width.max())
        if widest == 0:
            return None
        which: list[np.ndarray] = []
        found: list[np.ndarray] = []
        if widest > _GATHER:  # a slot of more entries than usual: read those slots on their own
            wide = width > _GATHER
            counts = width[wide].astype(np.intp)
            at = np.repeat(lo[wide] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            query = np.repeat(np.nonzero(wide)[1], counts)
            keys, docs = _halves(self._pairs.data.take(at))
            hit = keys == queries[query]
            which.append(query[hit])
            found.append(docs[hit])
            width[wide] = 0
            widest = int(width.max())
        if widest:
            # each key's slot and what follows it, up to the widest: one contiguous gather
            block = self._pairs.data.take(lo[..., None] + np.arange(widest, dtype=np.intp))
            keys, docs = _halves(block)
            equal = keys == queries[:, None]  # past a slot the top bits differ: no match ...
            if equal.any():  # (the common case is no match at all, and the cheap one)
                equal &= np.arange(widest, dtype=width.dtype) < width[..., None]  # ... but the next run's keys could
                _, query, _ = np.nonzero(equal)
                if query.size:
                    which.append(query)
                    found.append(docs[equal])
        if not which:
            return None
        return np.concatenate(which), np.concatenate(found)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of the keys, document) for every document filed under any of the keys, once per
        key they share; keys filed under more than max_bucket documents in all are left out."""
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
        hit = self._find(queries)
        if hit is not None:
            whiches.append(hit[0])
            found.append(hit[1])
        if not found:
            return _NONE, _EMPTY
        which, docs = np.concatenate(whiches), np.concatenate(found)
        stopped = docs == STOP
        if docs.size <= self.max_bucket and not stopped.any():
            return which, docs  # no key can be over the cap
        counts = np.bincount(which, minlength=queries.size)
        counts[which[stopped]] = self.max_bucket + 1
        keep = counts[which] <= self.max_bucket
        return which[keep], docs[keep]

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The documents of :meth:`find`."""
        return self.find(keys)[1]
