"""NearDuplicateIndex: ``add(key, text)`` finds the original a text is a near-copy of, or files it.

Candidates come from LSH banding of the signature (64 bands of 2 bins: a pair at resemblance
0.3 shares a band with probability 0.998, a pair at 0.05 with 0.15), then every candidate is
verified with :func:`judge` on the full signatures. Exact copies (same words) are found by hash
first. Every text is filed, copies too, under its first-seen original (``root``): a copy of a
copy links to the original. Only originals are filed under their bands: a near-copy is filed
under its key and its words' hash, an exact copy under its key alone, so a review syndicated a
thousand times does not fill its original's band buckets. Texts too short to tell (fewer than
``min_link`` shingles: a title alone, "Loved it.") are filed but never linked. Storage: memory, a SQLite file (the state database: an index that
outlives the run) or Redis (shared by workers; see :mod:`reviewcrawl.dedup.redis`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reviewcrawl.dedup.minhash import BINS, Signature, signature
from reviewcrawl.dedup.postings import Postings

__all__ = ["BANDS", "Match", "NearDuplicateIndex", "Thresholds", "band_keys", "judge"]

ROWS = 2
BANDS = BINS // ROWS
# a postings key shared by more texts than this says nothing about any one of them (two common
# phrases in two bins): lookups skip it; measured, this keeps candidates flat as the index grows
MAX_BUCKET = 100
_CHANCE = 2.0**-16  # two different 16-bit values agree by chance


@dataclass(frozen=True)
class Match:
    """The original a text copies: its key, the estimated resemblance (Jaccard) of the two texts
    and the estimated share of the shorter text found in the longer (containment)."""

    key: str
    similarity: float
    containment: float
    exact: bool = False


@dataclass(frozen=True)
class Thresholds:
    """When a verified candidate is a copy (see :func:`judge`)."""

    resemblance: float = 0.42  # a full copy with up to ~10% of its words edited, boilerplate around it
    containment: float = 0.7  # an excerpt: this share of its shingles is found in the longer text
    excerpt_share: float = 0.3  # ... and it is at least this long next to the longer text
    min_excerpt: int = 40  # ... and has at least this many shingles
    short: int = 30  # texts with fewer shingles must be nearly identical ...
    short_resemblance: float = 0.85  # ... this much
    min_link: int = 8  # and texts of fewer shingles (a title alone, "Loved it.") are never linked


def judge(agree: int, size_a: int, size_b: int, t: Thresholds) -> tuple[bool, float, float]:
    """Is a pair whose signatures agree in ``agree`` of BINS bins a near-copy? Returns
    (copy?, estimated resemblance, estimated containment of the smaller text in the larger).
    The Lua script of the Redis index computes the very same thing: keep them in step."""
    j = max(0.0, (agree / BINS - _CHANCE) / (1.0 - _CHANCE))
    small, large = min(size_a, size_b), max(size_a, size_b)
    if small == 0:
        return False, 0.0, 0.0
    shared = j * (small + large) / (1.0 + j)
    c = min(1.0, shared / small)
    if small < t.short:
        ok = j >= t.short_resemblance
    elif j >= t.resemblance:
        ok = True
    else:
        ok = c >= t.containment and small >= t.min_excerpt and small >= t.excerpt_share * large
    return ok, j, c


def judge_all(agree: np.ndarray, size: int, sizes: np.ndarray, t: Thresholds) -> tuple[np.ndarray, ...]:
    """:func:`judge` of one text against many at once (the same float operations, so the same
    answers): arrays (copy?, resemblance, containment)."""
    j = np.maximum(0.0, (agree / BINS - _CHANCE) / (1.0 - _CHANCE))
    small = np.minimum(size, sizes.astype(np.int64))
    large = np.maximum(size, sizes.astype(np.int64))
    shared = j * (small + large) / (1.0 + j)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.minimum(1.0, shared / small)
    empty = small == 0
    j, c = np.where(empty, 0.0, j), np.where(empty, 0.0, c)
    excerpt = (c >= t.containment) & (small >= t.min_excerpt) & (small >= t.excerpt_share * large)
    ok = np.where(small < t.short, j >= t.short_resemblance, (j >= t.resemblance) | excerpt) & ~empty
    return ok, j, c


def least_agree(t: Thresholds) -> int:
    """Fewer agreeing bins than this and :func:`judge` says no, whatever the sizes: most
    candidates (two texts sharing a common phrase in a band) are turned away on their count
    alone. An excerpt needs the least: containment ``c`` of a text at least ``excerpt_share`` of
    the other's size needs resemblance ``j >= c / (1 + 1 / excerpt_share - c)`` (0.19 by default).

    >>> least_agree(Thresholds())
    23
    """
    lowest = min(t.resemblance, t.short_resemblance)
    if t.containment > 0:
        lowest = min(lowest, t.containment / (1 + 1 / t.excerpt_share - t.containment) if t.excerpt_share > 0 else 0.0)
    return max(0, int(lowest * BINS) - 1)  # one bin less than the bound, for rounding


_BAND_IDS = (np.arange(BANDS, dtype=np.uint64) << np.uint64(32)) * np.uint64(0x9E3779B97F4A7C15)


def band_keys(values: np.ndarray) -> np.ndarray:
    """The 32-bit LSH key of each band of one signature (shape BINS) or of many (n, BINS)."""
    v = values.astype(np.uint64).reshape(*values.shape[:-1], BANDS, ROWS)
    pair = (v[..., 0] << np.uint64(16)) | v[..., 1]
    x = pair ^ _BAND_IDS
    x = (x ^ (x >> np.uint64(31))) * np.uint64(0x7FB5D329728EA185)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x81DADEF4BC2DD44D)
    return (x >> np.uint64(32)).astype(np.uint32)


def key_hash(key: str) -> int:
    data = key.encode("utf-8", "surrogatepass")  # a URL with a lone surrogate is still a key
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def open_backend(storage: str | None, thresholds: Thresholds) -> _Local:
    if storage is None or storage == "memory":
        return _Local(thresholds)
    if storage.startswith(("redis://", "rediss://", "unix://")):
        from reviewcrawl.dedup.redis import RedisBackend

        return RedisBackend(storage, thresholds)  # type: ignore[return-value]
    if storage.startswith("sqlite:///"):
        return _SQLite(Path(storage[len("sqlite:///") :]), thresholds)
    raise ValueError(
        f"unsupported near-copy index storage: {storage!r} (use None or 'memory', 'sqlite:///PATH', or 'redis://HOST:PORT/DB')"
    )


class NearDuplicateIndex:
    """``add(key, text) -> Match | None``: the Match of the original when the text is a near-copy
    of one filed before, else None; either way the text is filed under ``key``. Adding a key
    again (the same review seen in the next run) gives the same answer as the first time.

    >>> index = NearDuplicateIndex()
    >>> text = " ".join(f"word{i} is here" for i in range(80))
    >>> index.add("a", text) is None
    True
    >>> index.add("b", text.replace("word7 ", "term7 ")).key
    'a'
    """

    def __init__(self, storage: str | None = None, *, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._backend = open_backend(storage, self.thresholds)

    def __len__(self) -> int:
        return len(self._backend)

    def add(self, key: str, text: str) -> Match | None:
        return self._backend.add(key, signature(text))

    def add_signature(self, key: str, sig: Signature) -> Match | None:
        """``add`` for a text whose signature the caller has already computed."""
        return self._backend.add(key, sig)

    def flush(self) -> None:
        """Make what was added durable (SQLite, Redis): called by the pipeline as it goes."""
        self._backend.flush()

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> NearDuplicateIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def nbytes(self) -> int:
        """Bytes this process holds for the index (memory and SQLite backends)."""
        return self._backend.nbytes


_COLUMNS = {
    "sig": (np.uint16, (BINS,)),
    "size": (np.uint32, ()),
    "root": (np.uint32, ()),
    "exact": (np.int64, ()),
    "own": (np.uint32, ()),  # the key's postings key: a text filed before is found without reading keys
}


class _Table:
    """One row per text (signature 256 bytes, size, root, exact hash, key hash: 276 bytes) in one array per
    column, grown by a quarter when full: at most a fifth of it unused, and a lookup is one gather."""

    def __init__(self) -> None:
        self.n = 0
        self.columns = {k: np.zeros((0, *shape), dtype=t) for k, (t, shape) in _COLUMNS.items()}

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.columns.values())

    def _reserve(self, rows: int) -> None:
        capacity = len(self.columns["size"])
        if rows > capacity:
            size = max(rows, capacity + capacity // 4, 1024)
            for k, a in self.columns.items():
                grown = np.zeros((size, *a.shape[1:]), dtype=a.dtype)
                grown[: self.n] = a[: self.n]
                self.columns[k] = grown

    def append(self, **values: object) -> None:
        self._reserve(self.n + 1)
        for k, v in values.items():
            self.columns[k][self.n] = v
        self.n += 1

    def extend(self, columns: dict[str, np.ndarray]) -> None:
        rows = len(columns["size"])
        self._reserve(self.n + rows)
        for k, a in columns.items():
            self.columns[k][self.n : self.n + rows] = a
        self.n += rows

    def take(self, docs: np.ndarray) -> dict[str, np.ndarray]:
        return {k: a[docs] for k, a in self.columns.items()}


def _fold(value: int, slot: int) -> int:
    """A 64-bit hash folded into a 32-bit postings key of its own slot (after the bands).

    >>> _fold(-5, BANDS) == int(_fold_all(np.array([-5]), BANDS)[0])
    True
    """
    x = (value & 0xFFFFFFFFFFFFFFFF) ^ (slot * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
    x = ((x ^ (x >> 31)) * 0x7FB5D329728EA185) & 0xFFFFFFFFFFFFFFFF
    return ((x ^ (x >> 27)) * 0x81DADEF4BC2DD44D & 0xFFFFFFFFFFFFFFFF) >> 32


def _fold_all(values: np.ndarray, slot: int) -> np.ndarray:
    """_fold of many signed 64-bit hashes at once."""
    x = values.astype(np.int64).view(np.uint64) ^ np.uint64(slot * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(31))) * np.uint64(0x7FB5D329728EA185)
    return (((x ^ (x >> np.uint64(27))) * np.uint64(0x81DADEF4BC2DD44D)) >> np.uint64(32)).astype(np.uint32)


def postings_keys(key: str, sig: Signature) -> np.ndarray:
    """Every postings key a text is filed under: the key's hash, then (for a text with words)
    its exact hash and its BANDS band keys. One lookup of all of them answers every question."""
    own = _fold(key_hash(key), BANDS)
    if not sig.size:
        return np.array([own], dtype=np.uint32)
    return np.concatenate([np.array([own, _fold(sig.exact, BANDS + 1)], dtype=np.uint32), band_keys(sig.values)])


class _Keys:
    """The keys (URLs) in one UTF-8 buffer with offsets: ~8 bytes a key beyond its text, where
    a list of str costs ~57."""

    def __init__(self, keys: list[str] | None = None) -> None:
        self._blob = bytearray()
        self._ends = array("Q")
        for key in keys or ():
            self.append(key)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, doc: int) -> str:
        start = self._ends[doc - 1] if doc else 0
        return self._blob[start : self._ends[doc]].decode("utf-8", "surrogatepass")

    def append(self, key: str) -> None:
        self._blob += key.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._blob))

    @property
    def nbytes(self) -> int:
        return len(self._blob) + self._ends.itemsize * len(self._ends)


class _Local:
    """The index in this process's memory: one row per text (signature, size, root, exact hash:
    272 bytes) in chunks, and one postings multimap of 32-bit keys (8 bytes per entry)."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.t = thresholds
        self.keys = _Keys()
        self.table = _Table()
        self.postings = Postings(max_bucket=MAX_BUCKET)
        self._least_agree = least_agree(thresholds)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def nbytes(self) -> int:
        return self.table.nbytes + self.keys.nbytes + self.postings.nbytes

    def _rows(self, docs: np.ndarray) -> dict[str, np.ndarray]:
        return self.table.take(docs)

    def _judge(self, sig: np.ndarray, size: int, rows: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        return judge_all((rows["sig"] == sig).sum(axis=1), size, rows["size"], self.t)

    def _match(self, root: int, j: float, c: float, exact: bool = False) -> Match:
        return Match(self.keys[root], round(j, 4), round(c, 4), exact)

    def add(self, key: str, sig: Signature) -> Match | None:
        keys = postings_keys(key, sig)
        which, docs = self.postings.find(keys)
        root = len(self.keys)
        if docs.size:  # candidates, once per key they share: the table is read only where needed
            columns = self.table.columns
            by_key_or_words = which <= 1  # found under this key's hash or the words' hash
            if by_key_or_words.any():
                for doc in np.unique(docs[by_key_or_words & (columns["own"][docs] == keys[0])]).tolist():
                    if self.keys[doc] == key:  # filed before: the answer it got then
                        return self._again(doc)
            if sig.size >= self.t.min_link:
                same = by_key_or_words & (columns["exact"][docs] == sig.exact) if by_key_or_words.any() else None
                if same is not None and same.any():
                    root = int(columns["root"][docs[same].min()])
                    keys = keys[:1]  # an exact copy: filed under its key only
                else:
                    agree = np.count_nonzero(columns["sig"][docs] == sig.values, axis=1)
                    likely = agree >= self._least_agree  # the rest cannot pass judge
                    if likely.any():
                        docs, first = np.unique(docs[likely], return_index=True)
                        ok, j, c = judge_all(agree[likely][first], sig.size, columns["size"][docs], self.t)
                        passed = np.flatnonzero(ok)
                        if passed.size:  # the highest resemblance, then containment; the first of equals
                            top = passed[j[passed] == j[passed].max()]
                            root = int(columns["root"][docs[int(top[np.argmax(c[top])])]])
                            keys = keys[:2]  # a near-copy: under its key and words; its original's bands answer for it
        self._file(key, sig, keys, root)
        return self._against_root(sig.values, sig.size, sig.exact, root) if root != len(self.keys) - 1 else None

    def _against_root(self, values: np.ndarray, size: int, exact: int, root: int) -> Match:
        """The Match naming the original, measured against the original itself."""
        original = self._rows(np.array([root]))
        if int(original["exact"][0]) == exact:
            return self._match(root, 1.0, 1.0, exact=True)
        _, j, c = self._judge(values, size, original)
        return self._match(root, float(j[0]), float(c[0]))

    def _again(self, doc: int) -> Match | None:
        row = self._rows(np.array([doc]))
        root = int(row["root"][0])
        if root == doc:
            return None
        return self._against_root(row["sig"][0], int(row["size"][0]), int(row["exact"][0]), root)

    def _file(self, key: str, sig: Signature, keys: np.ndarray, root: int) -> None:
        doc = len(self.keys)
        self.table.append(sig=sig.values, size=sig.size, root=root, exact=sig.exact, own=keys[0])
        self.keys.append(key)
        self.postings.add(keys, doc)

    def _load(self, keys: list[str], key_hashes: np.ndarray, rows: dict[str, np.ndarray]) -> None:
        """File many documents at once (opening a stored index): vectorised, one sort."""
        n = len(keys)
        self.keys = _Keys(keys)
        own = _fold_all(key_hashes, BANDS)
        self.table.extend({**rows, "own": own})
        docs = np.arange(n, dtype=np.uint32)
        # as add() files them: an original under its key, words and bands; a near-copy under its
        # key and words; an exact copy (its words seen before) under its key only
        linked = rows["size"] >= self.t.min_link
        _, first = np.unique(rows["exact"], return_index=True)
        seen_before = np.ones(n, dtype=bool)
        seen_before[first] = False
        words = (rows["size"] > 0) & ~(linked & seen_before & (rows["root"] != docs))
        bands = (rows["size"] > 0) & (rows["root"] == docs)
        self.postings.add_many(
            np.concatenate([own, _fold_all(rows["exact"][words], BANDS + 1), band_keys(rows["sig"][bands]).ravel()]),
            np.concatenate([docs, docs[words], np.repeat(docs[bands], BANDS)]),
        )

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS near_copy_index (
    doc       INTEGER PRIMARY KEY,  -- 0, 1, 2 ... in the order the texts were filed
    key       TEXT NOT NULL,        -- what it was filed under (a canonical URL), once
    key_hash  INTEGER NOT NULL,     -- blake2b of the key: no hashing when the index is opened
    exact     INTEGER NOT NULL,     -- hash of the words: exact copies
    size      INTEGER NOT NULL,     -- distinct shingles
    root      INTEGER NOT NULL,     -- the original's doc (itself for an original)
    signature BLOB NOT NULL         -- BINS little-endian uint16
);
"""


class _SQLite(_Local):
    """The memory index, loaded from and written through to a table of the state database.

    Only signatures are stored (about 300 bytes a text with its key); the band postings are
    rebuilt in one vectorised pass when the index is opened. Writes are batched in transactions
    of ``batch`` texts; :meth:`flush` and :meth:`close` commit the rest.
    """

    def __init__(self, path: Path, thresholds: Thresholds, batch: int = 1000) -> None:
        super().__init__(thresholds)
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SQLITE_SCHEMA)
        self.batch = batch
        self._pending: list[tuple[int, str, int, int, int, int, bytes]] = []
        rows = self.conn.execute(
            "SELECT doc, key, key_hash, exact, size, root, signature FROM near_copy_index ORDER BY doc"
        ).fetchall()
        if rows:
            docs, keys, hashes, exact, sizes, roots, blobs = zip(*rows, strict=True)
            if docs[-1] != len(docs) - 1:
                raise RuntimeError(f"{path}: near_copy_index is not numbered 0..n-1; was it edited by hand?")
            self._load(list(keys), np.array(hashes, dtype=np.int64), {
                "sig": np.frombuffer(b"".join(blobs), dtype="<u2").reshape(len(rows), BINS),
                "size": np.array(sizes, dtype=np.uint32),
                "root": np.array(roots, dtype=np.uint32),
                "exact": np.array(exact, dtype=np.int64),
            })  # fmt: skip

    def _file(self, key: str, sig: Signature, keys: np.ndarray, root: int) -> None:
        doc = len(self.keys)
        super()._file(key, sig, keys, root)
        self._pending.append((doc, key, key_hash(key), sig.exact, sig.size, root, sig.values.astype("<u2").tobytes()))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            try:
                with self.conn:
                    self.conn.execute("BEGIN")
                    self.conn.executemany("INSERT INTO near_copy_index VALUES (?, ?, ?, ?, ?, ?, ?)", self._pending)
            except sqlite3.IntegrityError as exc:
                raise RuntimeError(
                    f"{self.path}: another process added to the near-copy index since this one opened it"
                    " (two crawls sharing a data directory at once): run them one after another, or share"
                    " the index through Redis (REVIEWCRAWL_DEDUP_STORAGE=redis://...)"
                ) from exc
            self._pending.clear()

    def close(self) -> None:
        self.flush()
        self.conn.close()
